// The onboarding wizard against the simulated cloud, as an MSP engineer uses it: a new workspace,
// Connect tenant with the cloud's addresses under "App registration and cloud", a device-code
// sign-in (the code read off the window and typed at the device-login page) and a browser
// sign-in (the address the window shows, accepted in "a browser"), each through the permission
// check and the first sync to a tenant in the Portfolio.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, literal } from './driver.mjs';
import { approveBrowserSignIn, approveDeviceCode, request, startSim } from './sim.mjs';

let sim;
let window;
before(async () => {
  sim = await startSim(['--tenants', '2', '--objects', '40']);
  // The system browser is not opened: the test plays the person at the browser.
  window = await launch({ env: { TENANTATLAS_NO_BROWSER: '1' } });
  await window.waitForText('Create a workspace', 60000);
  await window.type(`//input[@id='passphrase']`, 'window tests passphrase');
  await window.clickButton('Create workspace');
  await window.waitForText('No tenants yet', 60000);
});
after(async () => {
  await window?.close();
  sim?.stop();
});

async function startConnect(domain, browser) {
  await window.clickButton((await window.text()).includes('Connect a tenant') ? 'Connect a tenant' : 'Connect tenant');
  await window.type(`//input[@id='tenant']`, domain);
  if (browser) await window.click(`//label[contains(., 'The browser on this computer')]/input`);
  await window.click(`//button[contains(., 'App registration and cloud')]`);
  await window.type(`//input[@id='authority']`, sim.authority);
  await window.type(`//input[@id='graph']`, sim.graph);
  await window.type(`//input[@id='ca-cert']`, sim.ca_cert);
  await window.clickButton('Sign in');
}

async function finishOnboarding(name) {
  await window.find(`//button[normalize-space(.)='Start the first sync']`, 60000);
  await window.screenshot(`onboarding-permissions-${name.split(' ')[0].toLowerCase()}`);
  await window.clickButton('Start the first sync');
  await window.waitForText(`${name} is connected:`, 120000);
  const done = await window.text();
  const objects = Number(done.match(/is connected: (\d+) objects captured/)?.[1]);
  assert.ok(objects > 0, `the first sync captured objects: ${done}`);
  await window.clickButton('Back to the portfolio');
  await window.find(`//tr[.//button[contains(., ${literal(name)})]]`, 30000);
}

test('a tenant connects with a device code, through the permission check and first sync', async () => {
  const tenant = sim.tenants.find((t) => t.device_code_allowed);
  await startConnect(tenant.domain, false);
  await window.find(`//*[@data-testid='device-code']`, 30000);
  const code = await window.exec(`return document.querySelector('[data-testid="device-code"]').textContent.trim();`);
  const uri = (await window.text()).match(/open (https:\/\/\S+) and enter this code/)?.[1];
  assert.ok(uri, 'the window names the page to enter the code at');
  await window.screenshot('onboarding-device-code');
  await approveDeviceCode(uri, code, sim.ca);
  await finishOnboarding(tenant.name);
});

test('a tenant whose Conditional Access blocks device codes connects in the browser', async () => {
  const tenant = sim.tenants.find((t) => !t.device_code_allowed);
  await startConnect(tenant.domain, true);
  await window.find(`//*[@data-testid='sign-in-url']`, 30000);
  const url = await window.exec(`return document.querySelector('[data-testid="sign-in-url"]').textContent.trim();`);
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/.*authorize/);
  await approveBrowserSignIn(url, sim.ca);
  await finishOnboarding(tenant.name);
  const rows = await window.exec(`return document.querySelectorAll('[data-testid="tenant-row"]').length;`);
  assert.equal(rows, 2);
  await window.screenshot('portfolio-after-onboarding');
});

test('a revoked sign-in shows Reconnect, and reconnecting from the window makes Sync all work again', async () => {
  const tenant = sim.tenants.find((t) => t.device_code_allowed);
  const revoked = await request(`${sim.graph}/_sim/tenants/${tenant.domain}/revoke`, { method: 'POST', ca: sim.ca });
  assert.equal(revoked.status, 200, 'the simulator revoked the sign-in');
  await window.clickButton('Sync all');
  await window.waitForText('Sync all finished', 120000).catch(() => window.waitForText('Sync all stopped', 1000));
  const summary = await window.exec(`return document.querySelector('.panel [role="status"]')?.textContent.trim() ?? '';`);
  assert.match(summary, /1 failed/, summary);
  await window.clickButton('Dismiss');
  // The row says why and offers the way out.
  const row = `//tr[.//button[contains(., ${literal(tenant.name)})]]`;
  await window.find(`${row}//button[normalize-space(.)='Reconnect']`, 30000);
  await window.screenshot('portfolio-reconnect');
  await window.click(`${row}//button[normalize-space(.)='Reconnect']`, 30000);
  await window.find(`//h2[normalize-space(.)=${literal(`Reconnect ${tenant.name}`)}]`);
  await window.find(`//*[@data-testid='device-code']`, 30000);
  const code = await window.exec(`return document.querySelector('[data-testid="device-code"]').textContent.trim();`);
  const uri = (await window.text()).match(/open (https:\/\/\S+) and enter this code/)?.[1];
  await approveDeviceCode(uri, code, sim.ca);
  await window.clickButton('Done', 60000);
  await window.waitForText(`${tenant.name} is connected again`);
  await window.clickButton('Back to the portfolio');
  await window.clickButton('Sync all');
  await window.waitForText('Sync all finished', 120000);
  const after = await window.exec(`return document.querySelector('.panel [role="status"]')?.textContent.trim() ?? '';`);
  assert.doesNotMatch(after, /failed/, after);
  const reconnects = await window.exec(
    `return [...document.querySelectorAll('[data-testid="tenant-row"] button')].filter((b) => b.textContent.trim() === 'Reconnect').length;`,
  );
  assert.equal(reconnects, 0, 'no tenant asks for a new sign-in any more');
});
