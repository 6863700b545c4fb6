// On the demo: Reports reached by its shortcut, a tenant's review pack made with its evidence
// bundle into the Downloads folder, verified from the history; the portfolio report; a tenant's
// snapshot exported to an exchange key (screenshots `reports`, `reports-dark`, `reports-bundles`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, until } from './driver.mjs';

let window;
before(async () => {
  window = await launch({ args: ['--demo'] });
  await window.find(`//h1[normalize-space(.)='Portfolio']`, 180000);
  await window.find(`//tr[@data-testid='tenant-row']`, 60000);
});
after(async () => {
  await window?.close();
});

/** Where the app saves reports: the scratch HOME's Downloads folder (no XDG_DOWNLOAD_DIR). */
const reportsDir = () => join(window.scratch, 'home', 'Downloads', 'TenantAtlas');

async function shots(name) {
  // A first capture flushes a frame WebKit may still owe after a busy moment (two PDFs made).
  await window.wd('GET', window.s('/screenshot'));
  await window.screenshot(name);
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot(`${name}-dark`);
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
}

test('Reports: a review pack with its evidence, in Downloads, verified from the history', async () => {
  // Alt+5: the rail's fifth section, from anywhere.
  await window.chord('\uE00A', '5');
  await window.find(`//h1[normalize-space(.)='Reports']`);
  // Wait for what the screen reads: the tenants in the picker and the (empty) history.
  await until('the tenants in the picker', 60000, () =>
    window.exec(`return document.querySelectorAll('#pack-tenant option').length >= 5;`),
  );
  await window.find(`//*[normalize-space(.)='No packs yet']`);
  const tenant = await window.exec(`
    const select = document.getElementById('pack-tenant');
    const option = [...select.options].find((o) => o.textContent.includes('Müller')) ?? select.options[0];
    select.value = option.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return option.textContent.split(' · ')[0].trim();
  `);
  await window.click(`//label[contains(@class, 'segment')][normalize-space(.)='90 days']`);
  assert.equal(
    await window.exec(`return document.querySelector('input[type="checkbox"]').checked;`),
    true,
    'the evidence bundle is on by default',
  );
  await window.clickButton('Generate review pack');
  const result = await window.find(`//*[@data-testid='pack-result']`, 180000);
  const text = await window.wd('GET', window.s(`/element/${result}/text`));
  assert.ok(text.includes(tenant), text);
  assert.match(text, /\d+ pages/, text);
  const sha = await window.exec(`return document.querySelector('[data-testid="pack-sha256"]').textContent.trim();`);
  assert.match(sha, /^[0-9a-f]{64}$/);

  // Both files are in Downloads/TenantAtlas, named by tenant and period.
  const [pdf, zip] = await window.exec(
    `return [...document.querySelectorAll('[data-testid="pack-result"] .file')].map((e) => e.textContent.trim());`,
  );
  assert.ok(pdf && zip, `the result names both files: ${text}`);
  assert.ok(pdf.includes(tenant), pdf);
  for (const file of [pdf, zip]) {
    const path = join(reportsDir(), file);
    assert.ok(existsSync(path) && statSync(path).size > 1000, `${path} was written`);
  }
  assert.equal(readFileSync(join(reportsDir(), pdf)).subarray(0, 5).toString(), '%PDF-');

  // The history lists it, intact; Verify shows what was checked.
  const row = `//tr[@data-testid='pack-row'][contains(., ${JSON.stringify(tenant)})]`;
  await window.find(row, 30000);
  const state = await window.exec(`return document.querySelector('[data-testid="pack-state"]').textContent.trim();`);
  assert.match(state, /Intact/);
  await window.click(`${row}//button[normalize-space(.)='Verify']`);
  const verdict = await window.find(`//*[@data-testid='verify-result']`, 60000);
  const words = await window.wd('GET', window.s(`/element/${verdict}/text`));
  assert.match(words, /Verified/, words);

  // The portfolio report beside it, for a history of two (its button is at the top).
  await window.exec(`document.querySelector('main').scrollTop = 0;`);
  await window.clickButton('Portfolio report');
  await window.find(`//section[@aria-labelledby='make-portfolio']//*[@role='status'][contains(., 'tenants')]`, 180000);
  await until('the portfolio report in the history', 30000, () =>
    window.exec(`return document.querySelectorAll('[data-testid="pack-row"]').length === 2;`),
  );
  assert.ok(
    (await window.exec(`return [...document.querySelectorAll('[data-testid="pack-row"]')].map((r) => r.textContent).join('|');`)).includes(
      'Portfolio report',
    ),
  );
  await window.exec(`document.querySelector('main').scrollTop = 0;`);
  await shots('reports');
});

test('Reports: a tenant snapshot exported to an exchange key lands in Downloads', async () => {
  const key = await window.exec(`return document.querySelector('[data-testid="exchange-key"]').textContent.trim();`);
  assert.match(key, /^age1[0-9a-z]{58}$/);
  // Sent to this workspace's own key, as a colleague's would be pasted.
  await window.type(`//input[@aria-label="Colleague's exchange key"]`, key);
  await window.click(`//label[contains(., 'Include history')]/input`);
  await window.clickButton('Export bundle');
  const done = await window.find(`//*[@data-testid='export-result']`, 60000);
  const text = await window.wd('GET', window.s(`/element/${done}/text`));
  const path = await window.exec(`return document.querySelector('[data-testid="export-path"]').textContent.trim();`);
  assert.ok(path && existsSync(path), `the bundle is where the window says: ${text}`);
  assert.ok(path.startsWith(reportsDir()), path);
  await window.exec(`document.querySelector('[aria-labelledby="bundles"]').scrollIntoView();`);
  await window.screenshot('reports-bundles');
});
