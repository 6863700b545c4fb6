// On the demo: Baselines lists the golden baseline with its tenants and their scores; Compare puts
// two tenants side by side and shows a different object's settings in words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, until } from './driver.mjs';
import { goTo } from './flows.mjs';

let window;
before(async () => {
  window = await launch({ args: ['--demo'] });
  await window.find(`//h1[normalize-space(.)='Portfolio']`, 180000);
});
after(async () => {
  await window?.close();
});

async function shots(name) {
  await window.screenshot(name);
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot(`${name}-dark`);
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
}

test('Baselines: the golden baseline with its tenants, their scores and counts', async () => {
  await goTo(window, 'Baselines');
  await window.find(`//h1[normalize-space(.)='Baselines']`);
  await window.click(`//tr[@data-testid='baseline-row'][contains(., 'MSP golden')]/td[1]`);
  await window.find(`//section[@aria-label='Baseline']//h2[normalize-space(.)='MSP golden']`);
  await window.find(`//tr[@data-testid='baseline-tenant']`, 30000);
  const scores = await window.exec(
    `return [...document.querySelectorAll('[data-testid="tenant-score"]')].map((e) => e.textContent.trim());`,
  );
  assert.ok(scores.length >= 5, `the demo assigns the golden baseline to its tenants (${scores.length})`);
  assert.ok(
    scores.every((s) => /^\d+(\.\d)?$/.test(s)),
    `every tenant has a score: ${scores.join(', ')}`,
  );
  const text = await window.text();
  assert.match(text, /Matched/);
  assert.match(text, /MSP - /, 'its objects are listed by name');
  await shots('baselines');
});

test('Baselines: an object pinned in a tenant to an object of another name', async () => {
  // Still on the golden baseline: pin its first device configuration in the first tenant.
  await window.click(`(//button[starts-with(@aria-label, 'Pin ')])[1]`);
  const dialog = `//div[@role='dialog']`;
  await window.find(`${dialog}//select[@id='pin-object']`, 30000);
  const choice = await window.exec(`
    const select = document.getElementById('pin-object');
    const option = [...select.options].find((o) => o.value !== '');
    select.value = option.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return option.textContent;
  `);
  await window.screenshot('baselines-pin');
  await window.click(`${dialog}//button[normalize-space(.)='Pin']`);
  const note = await window.find(`//*[contains(normalize-space(.), 'is matched to') and not(*)]`, 30000);
  const words = await window.wd('GET', window.s(`/element/${note}/text`));
  assert.ok(words.includes(choice), `the notice names the tenant's object: ${words}`);
  await window.find(`//span[contains(@class, 'pin') and starts-with(normalize-space(.), 'pinned in')]`);
});

test('Compare: two tenants side by side, a different object in words', async () => {
  await goTo(window, 'Compare');
  await window.find(`//h1[normalize-space(.)='Compare']`);
  // The pickers fill once the tenants are read.
  await until('the tenants in the pickers', 60000, () =>
    window.exec(
      `return document.querySelectorAll('select[aria-label="Left: tenant or baseline"] optgroup[label="Tenants"] option').length >= 2;`,
    ),
  );
  // The first tenant on the left; on the right, the first other tenant that configures something
  // differently from it (the demo's tenants drift in different ways).
  const tenants = await window.exec(`
    const pick = document.querySelector('select[aria-label="Left: tenant or baseline"]');
    return [...pick.querySelectorAll('optgroup[label="Tenants"] option')].map((o) => o.value);
  `);
  assert.ok(tenants.length >= 2, 'the demo has tenants to compare');
  let different = 0;
  for (const right of tenants.slice(1)) {
    // Chosen as the keyboard or mouse would: the select's value set, then its change.
    await window.exec(
      `for (const [side, value] of [['Left', arguments[0]], ['Right', arguments[1]]]) {
         const select = document.querySelector('select[aria-label="' + side + ': tenant or baseline"]');
         select.value = value;
         select.dispatchEvent(new Event('change', { bubbles: true }));
       }`,
      tenants[0],
      right,
    );
    await window.clickButton('Compare side by side');
    await window.find(`//div[contains(@class, 'titles')]`, 60000);
    await window.find(`//button[normalize-space(.)='Compare side by side'][not(@disabled)]`, 60000);
    different = Number(await window.exec(`return document.querySelector('[data-testid="count-different"]')?.textContent ?? '0';`));
    if (different > 0) break;
  }
  assert.ok(different > 0, 'two demo tenants configure something differently');
  await window.click(`(//tr[@data-testid='compare-row'][contains(., 'Different')])[1]/td[2]`);
  const row = await window.find(`//aside[@aria-label='Object compared']//tr[@data-testid='change-row']`);
  const words = await window.wd('GET', window.s(`/element/${row}/text`));
  assert.ok(words.trim().length > 0, 'a change in words');
  assert.doesNotMatch(words, /undefined/);
  await shots('compare');
});
