// A tenant's own screen against the simulated cloud: its inventory, an object in words, a change
// made in the tenant (by an admin's script, through Graph) seen as a new version and compared
// with the one before in words — and then, with the cloud gone, everything still browsable from
// the local copy, saying when the tenant was last synced.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, literal } from './driver.mjs';
import { connectByDeviceCode, createWorkspace, goTo, syncAll } from './flows.mjs';
import { adminToken, graph, startSim } from './sim.mjs';

let sim;
let window;
let tenant;
let policy;
before(async () => {
  sim = await startSim(['--tenants', '1', '--objects', '40']);
  tenant = sim.tenants[0];
  window = await launch({ env: { TENANTATLAS_NO_BROWSER: '1' } });
  await createWorkspace(window);
  await connectByDeviceCode(window, sim, tenant);
});
after(async () => {
  await window?.close();
  sim?.stop();
});

const openTenant = (name) => window.click(`//tr[@data-testid='tenant-row']//button[contains(., ${literal(name)})]`);

test('a change made in the tenant shows as a new version, compared in words', async () => {
  const token = await adminToken(sim, tenant.domain);
  const list = await graph(sim, token, 'GET', 'beta/deviceManagement/deviceConfigurations?$top=50');
  policy = list.value.find((p) => p['@odata.type'] === '#microsoft.graph.windows10GeneralConfiguration') ?? list.value[0];
  await graph(sim, token, 'PATCH', `beta/deviceManagement/deviceConfigurations/${policy.id}`, {
    '@odata.type': policy['@odata.type'],
    description: 'Tightened after the Q4 review',
  });
  const summary = await syncAll(window);
  assert.match(summary, /1 tenant synced/, summary);

  await openTenant(tenant.name);
  await window.find(`//h1[contains(., ${literal(tenant.name)})]`);
  await window.type(`//input[@aria-label='Search objects']`, policy.displayName);
  await window.click(`//button[contains(@class, 'object') and contains(., ${literal(policy.displayName)})]`);
  await window.find(`//section[@aria-label='Object']//h2[contains(., ${literal(policy.displayName)})]`);
  await window.screenshot('tenant');
  await window.click(`//button[@role='tab' and contains(., 'History')]`);
  await window.find(`//input[@aria-label='Compare from version 1']`);
  await window.click(`//input[@aria-label='Compare from version 1']`);
  await window.click(`//input[@aria-label='Compare to version 2']`);
  await window.click(`//button[starts-with(normalize-space(.), 'Compare version')]`);
  const diff = await window.find(`//section[starts-with(@aria-label, 'Changes from version 1 to 2')]`);
  const words = await window.wd('GET', window.s(`/element/${diff}/text`));
  assert.match(words, /Tightened after the Q4 review/, words);
  assert.match(words, /Baseline device restrictions|Description/i, words);
  await window.screenshot('version-diff');
  await window.keys('\uE00C'); // Escape: back to the Portfolio
  await window.find(`//h1[normalize-space(.)='Portfolio']`);
});

test('break-glass accounts named on the tenant screen are read by the next sync', async () => {
  await openTenant(tenant.name);
  const card = `//li[@data-testid='break-glass']`;
  await window.find(`${card}//*[normalize-space(.)='None named']`);
  await window.click(`${card}//button[normalize-space(.)='Edit…']`);
  await window.find(`//div[@role='dialog']//h2[normalize-space(.)='Break-glass accounts']`);
  await window.type(`//textarea[@id='break-glass-names']`, `not an account`);
  await window.click(`//div[@role='dialog']//button[normalize-space(.)='Save']`);
  const refused = await window.find(`//div[@role='dialog']//div[@role='alert']`);
  const why = await window.wd('GET', window.s(`/element/${refused}/text`));
  assert.match(why, /is not a user principal name/, why);
  await window.screenshot('tenant-break-glass-dialog');
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot('tenant-break-glass-dialog-dark');
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
  await window.exec(`const t = document.getElementById('break-glass-names'); t.value = ''; t.dispatchEvent(new Event('input'));`);
  await window.type(`//textarea[@id='break-glass-names']`, `breakglass@${tenant.domain}, admin@${tenant.domain}`);
  await window.click(`//div[@role='dialog']//button[normalize-space(.)='Save']`);
  await window.find(`${card}//*[normalize-space(.)='2 named']`);

  await window.keys('\uE00C'); // Escape: back to the Portfolio
  const summary = await syncAll(window);
  assert.match(summary, /1 tenant synced/, summary);
  await openTenant(tenant.name);
  await window.type(`//input[@aria-label='Search objects']`, 'Break-glass account 1');
  await window.click(`//button[contains(@class, 'object') and contains(., 'Break-glass account 1')]`);
  // The settings in words, once the object has loaded.
  await window.find(`//section[@aria-label='Object']//*[normalize-space(.)='Active Entra roles']`);
  const detail = await window.find(`//section[@aria-label='Object']`);
  const words = await window.wd('GET', window.s(`/element/${detail}/text`));
  assert.match(words, /Global Administrator/, words);
  assert.match(words, /SG-CA-BreakGlass-Exclude/, words);
  assert.match(words, /Enabled Conditional Access policies that apply to it\s*None/, words);
  await window.screenshot('tenant-break-glass');
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot('tenant-break-glass-dark');
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
  await window.keys('\uE00C');
  await window.find(`//h1[normalize-space(.)='Portfolio']`);
});

test('with the cloud gone, the workspace is still browsable and says when each tenant was last synced', async () => {
  sim.stop();
  sim = null;
  // Reading is local: the Portfolio, the tenant, an object, its history and the runs all answer.
  const age = await window.exec(`return document.querySelector('[data-testid="sync-age"]')?.textContent.trim();`);
  assert.match(age, /just now|min ago/);
  const summary = await syncAll(window);
  assert.match(summary, /1 failed/, `a sync without the cloud fails, and says so: ${summary}`);
  const row = await window.exec(`return document.querySelector('[data-testid="tenant-row"]').innerText;`);
  assert.match(row, /last sync failed/, row);
  assert.match(row, /just now|min ago/, 'the last good sync is still shown');
  await openTenant(tenant.name);
  await window.type(`//input[@aria-label='Search objects']`, policy.displayName);
  await window.click(`//button[contains(@class, 'object') and contains(., ${literal(policy.displayName)})]`);
  await window.click(`//button[@role='tab' and contains(., 'History')]`);
  await window.find(`//input[@aria-label='Compare from version 2']`);
  await goTo(window, 'Operations');
  await window.find(`//h1[normalize-space(.)='Operations']`);
  await window.click(`(//tr[@data-testid='run-row'])[1]/td[3]`);
  const viewer = await window.find(`//aside[@aria-label='Run']//h2`);
  const heading = await window.wd('GET', window.s(`/element/${viewer}/text`));
  assert.match(heading, /Sync · Failed/, heading);
  const errors = await window.exec(`return document.querySelector('aside .errors')?.innerText ?? '';`);
  assert.ok(errors.length > 0, 'the failed run says why');
  await window.screenshot('offline-operations');
});
