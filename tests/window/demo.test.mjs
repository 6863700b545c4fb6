// The README's first command: the app opened on the demo portfolio (`--demo`), every tenant at a
// glance, then Sync all with its per-tenant progress.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { launch, literal } from './driver.mjs';
import { goTo } from './flows.mjs';

let window;
before(async () => {
  window = await launch({ args: ['--demo'] });
});
after(async () => {
  await window?.close();
});

const card = (id) =>
  window.exec(`return document.querySelector('[data-testid="${id}"]')?.textContent.trim() ?? null;`);

test('--demo opens the demo portfolio by itself', async () => {
  // The steps show while the simulated cloud starts and the tenants connect and sync.
  await window.waitForText('demo', 30000);
  await window.find(`//h1[normalize-space(.)='Portfolio']`, 180000);
  await window.find(`//tr[@data-testid='tenant-row']`, 60000);
  const tenants = await window.exec(`return document.querySelectorAll('tbody tr').length;`);
  assert.equal(await card('card-tenants'), String(tenants));
  assert.ok(tenants >= 5, `the demo has several tenants (${tenants})`);
  const text = await window.text();
  assert.match(text, /Contoso/, 'the demo tenants are listed by name');
  assert.notEqual(await card('card-high'), null);
  await window.screenshot('portfolio');
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot('portfolio-dark');
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
});

test('Sync all shows each tenant progress, then how it ended', async () => {
  const tenants = Number(await card('card-tenants'));
  await window.clickButton('Sync all');
  await window.find(`//section[.//h2[starts-with(normalize-space(.), 'Syncing')]]`, 10000).catch(() => null);
  const rows = await window.exec(`return document.querySelectorAll('[data-testid="sync-row"]').length;`);
  assert.equal(rows, tenants, 'one progress row per tenant');
  await window.waitForText('Sync all finished', 180000);
  const summary = await window.exec(`return document.querySelector('.panel [role="status"]')?.textContent.trim();`);
  // The demo holds one tenant whose app registration lacks a permission: it syncs partly.
  const ended = summary.match(/^(\d+) tenants? synced(?:, (\d+) partly)?\.$/);
  assert.ok(ended, `no tenant failed or was cancelled: ${summary}`);
  assert.equal(Number(ended[1]) + Number(ended[2] ?? 0), tenants, summary);
  await window.screenshot('sync-all');
  await window.clickButton('Dismiss');
  await window.find(`//button[normalize-space(.)='Sync all']`);
});

test('a finding: opened from the workbench, its risk accepted, the decision in its audit trail', async () => {
  await goTo(window, 'Findings');
  await window.find(`//h1[normalize-space(.)='Findings']`);
  // The workbench reads the findings when it first shows: wait for them, not only the heading.
  await window.find(`//tr[@data-testid='finding-row']`, 60000);
  const rows = await window.exec(`return document.querySelectorAll('[data-testid="finding-row"]').length;`);
  assert.ok(rows > 0, 'the demo has open findings');
  await window.screenshot('findings-workbench');
  // The first finding (most severe first): selected, then its risk accepted.
  await window.click(`(//tr[@data-testid='finding-row'])[1]/td[3]`);
  await window.clickButton('Accept risk…');
  await window.find(`//h2[normalize-space(.)='Accept the risk']`);
  await window.type(`//textarea[@id='accept-justification']`, 'Compensating control: the customer enforces this by GPO until the migration ends');
  await window.type(`//input[@id='accept-approver']`, 'Dana Whitfield (customer CISO)');
  await window.clickButton('90 days');
  await window.screenshot('accept-risk');
  await window.click(`//div[@role='dialog']//button[@type='submit']`);
  // The audit trail of the finding now ends with the decision, who took it and the approver.
  const trail = await window.find(`//ol[contains(@class, 'trail')]/li[last()][contains(., 'Risk accepted')]`, 30000);
  const last = await window.wd('GET', window.s(`/element/${trail}/text`));
  assert.match(last, /Approved by Dana Whitfield \(customer CISO\) until \d{4}-\d{2}-\d{2}/, last);
  assert.match(last, /Compensating control/, last);
  await window.screenshot('finding-audit-trail');
});

test('Operations: every run of the demo, one run in full, and the table saved as CSV', async () => {
  await goTo(window, 'Operations');
  await window.find(`//h1[normalize-space(.)='Operations']`);
  await window.find(`//tr[@data-testid='run-row']`, 60000);
  const runs = await window.exec(`return document.querySelectorAll('[data-testid="run-row"]').length;`);
  assert.ok(runs >= 16, `demo syncs, drift checks and Sync all's runs are listed (${runs})`);
  await window.click(`(//tr[@data-testid='run-row'][.//td[2][normalize-space(.)='Sync']])[1]/td[3]`);
  const viewer = await window.find(`//aside[@aria-label='Run']`);
  const text = await window.wd('GET', window.s(`/element/${viewer}/text`));
  assert.match(text, /Read per kind/, text);
  assert.match(text, /\d+ HTTP, \d+ Graph calls/, text);
  await window.screenshot('operations');
  await window.clickButton('Export CSV');
  const saved = await window.find(`//*[@role='status'][starts-with(normalize-space(.), 'Saved')]`);
  const note = await window.wd('GET', window.s(`/element/${saved}/text`));
  const path = note.match(/to (\/\S+\.csv)/)?.[1];
  assert.ok(path && existsSync(path), `the CSV is where the window says: ${note}`);
  const csv = readFileSync(path, 'utf8');
  assert.equal(csv.trim().split('\r\n').length, runs + 1, 'a header and one line per run shown');
});

test('search everywhere: which tenants set BitLocker recovery password rotation, and to what', async () => {
  await goTo(window, 'Portfolio');
  // Ctrl+K from anywhere, then the question in a few words.
  await window.chord('\uE009', 'k');
  const focused = await window.exec(`return document.activeElement?.getAttribute('aria-label');`);
  assert.equal(focused, 'Search everywhere');
  await window.keys('bitlocker rotation');
  await window.find(`//*[@data-testid='search-hit']`, 60000);
  const settings = await window.exec(
    `return [...document.querySelectorAll('[data-testid="search-hit"]')].map((h) => h.getAttribute('aria-label')).filter((l) => l.includes(' in '));`,
  );
  const tenants = new Set(settings.map((l) => l.split(' in ').pop()));
  assert.ok(tenants.size >= 3, `the answer spans tenants: ${JSON.stringify(settings.slice(0, 5))}`);
  assert.ok(
    settings.some((l) => /rotation/i.test(l) && /: \S/.test(l)),
    `a setting hit names the setting and its value: ${JSON.stringify(settings.slice(0, 5))}`,
  );
  await window.screenshot('search');
  // Enter on a setting opens its tenant's screen with its object shown.
  const first = settings[0];
  const object = first.slice(first.indexOf(', ') + 2, first.lastIndexOf(' in '));
  await window.keys('\uE007');
  await window.find(`//button[contains(., 'Back to Portfolio')]`, 30000);
  await window.find(`//section[@aria-label='Object']//h2[contains(., ${literal(object)})]`, 30000);
  await window.keys('\uE00C');
});
