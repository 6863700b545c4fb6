// Steps several real-window tests share, done as a person does them in the window.
import assert from 'node:assert/strict';
import { literal } from './driver.mjs';
import { approveDeviceCode } from './sim.mjs';

/** Creates the default workspace with a passphrase (the test session has no keychain). */
export async function createWorkspace(window) {
  await window.waitForText('Create a workspace', 60000);
  await window.type(`//input[@id='passphrase']`, 'window tests passphrase');
  await window.clickButton('Create workspace');
  await window.waitForText('No tenants yet', 60000);
}

/** Opens the onboarding wizard and signs in to `domain` of the simulated cloud. */
export async function startConnect(window, sim, domain, browser) {
  await window.clickButton((await window.text()).includes('Connect a tenant') ? 'Connect a tenant' : 'Connect tenant');
  await window.type(`//input[@id='tenant']`, domain);
  if (browser) await window.click(`//label[contains(., 'The browser on this computer')]/input`);
  await window.click(`//button[contains(., 'App registration and cloud')]`);
  await window.type(`//input[@id='authority']`, sim.authority);
  await window.type(`//input[@id='graph']`, sim.graph);
  await window.type(`//input[@id='ca-cert']`, sim.ca_cert);
  await window.clickButton('Sign in');
}

/** The device code and the page to enter it at, as the wizard shows them. */
export async function shownDeviceCode(window) {
  await window.find(`//*[@data-testid='device-code']`, 30000);
  const code = await window.exec(`return document.querySelector('[data-testid="device-code"]').textContent.trim();`);
  const uri = (await window.text()).match(/open (https:\/\/\S+) and enter this code/)?.[1];
  assert.ok(uri, 'the window names the page to enter the code at');
  return { code, uri };
}

/** From the permission check through the first sync back to the Portfolio row of `name`. */
export async function finishOnboarding(window, name, shot) {
  await window.find(`//button[normalize-space(.)='Start the first sync']`, 60000);
  if (shot) await window.screenshot(shot);
  await window.clickButton('Start the first sync');
  await window.waitForText(`${name} is connected:`, 120000);
  const done = await window.text();
  const objects = Number(done.match(/is connected: (\d+) objects captured/)?.[1]);
  assert.ok(objects > 0, `the first sync captured objects: ${done}`);
  await window.clickButton('Back to the portfolio');
  await window.find(`//tr[.//button[contains(., ${literal(name)})]]`, 30000);
}

/** A new workspace with `tenant` of the simulated cloud connected by device code and synced. */
export async function connectByDeviceCode(window, sim, tenant) {
  await startConnect(window, sim, tenant.domain, false);
  const { code, uri } = await shownDeviceCode(window);
  await approveDeviceCode(uri, code, sim.ca);
  await finishOnboarding(window, tenant.name);
}

/** Sync all, to its end; answers the summary line. */
export async function syncAll(window) {
  await window.clickButton('Sync all');
  await window.find(`//*[@role='status' and (starts-with(normalize-space(.), '0 tenants') or contains(., 'synced') or contains(., 'failed'))]`, 180000);
  const summary = await window.exec(`return document.querySelector('.panel [role="status"]')?.textContent.trim() ?? '';`);
  await window.clickButton('Dismiss');
  return summary;
}

/** Clicks a rail section. */
export async function goTo(window, section) {
  await window.click(`//nav[@aria-label='Main']//*[self::button or self::a][contains(., ${literal(section)})]`);
}
