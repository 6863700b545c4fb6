// The onboarding wizard against the simulated cloud, as an MSP engineer uses it: a new workspace,
// Connect tenant with the cloud's addresses under "App registration and cloud", a device-code
// sign-in (the code read off the window and typed at the device-login page) and a browser
// sign-in (the address the window shows, accepted in "a browser"), each through the permission
// check and the first sync to a tenant in the Portfolio.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, literal } from './driver.mjs';
import { createWorkspace, finishOnboarding, shownDeviceCode, startConnect } from './flows.mjs';
import { approveBrowserSignIn, approveDeviceCode, request, startSim } from './sim.mjs';

let sim;
let window;
before(async () => {
  sim = await startSim(['--tenants', '2', '--objects', '40']);
  // The system browser is not opened: the test plays the person at the browser.
  window = await launch({ env: { TENANTATLAS_NO_BROWSER: '1' } });
  await createWorkspace(window);
});
after(async () => {
  await window?.close();
  sim?.stop();
});

test('a tenant connects with a device code, through the permission check and first sync', async () => {
  const tenant = sim.tenants.find((t) => t.device_code_allowed);
  await startConnect(window, sim, tenant.domain, false);
  const { code, uri } = await shownDeviceCode(window);
  await window.screenshot('onboarding-device-code');
  await approveDeviceCode(uri, code, sim.ca);
  await finishOnboarding(window, tenant.name, 'onboarding-permissions');
});

test('a tenant whose Conditional Access blocks device codes connects in the browser', async () => {
  const tenant = sim.tenants.find((t) => !t.device_code_allowed);
  await startConnect(window, sim, tenant.domain, true);
  await window.find(`//*[@data-testid='sign-in-url']`, 30000);
  const url = await window.exec(`return document.querySelector('[data-testid="sign-in-url"]').textContent.trim();`);
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/.*authorize/);
  await approveBrowserSignIn(url, sim.ca);
  await finishOnboarding(window, tenant.name);
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
  const { code, uri } = await shownDeviceCode(window);
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
