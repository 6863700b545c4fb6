// The README's first command: the app opened on the demo portfolio (`--demo`), every tenant at a
// glance, then Sync all with its per-tenant progress.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch } from './driver.mjs';

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
