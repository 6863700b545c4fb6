// The Settings screen on the demo portfolio: the workspace's facts and its settings; the sync SLA
// changed there is the one the Portfolio colours sync ages by, at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch } from './driver.mjs';
import { goTo } from './flows.mjs';

let window;
before(async () => {
  window = await launch({ args: ['--demo'] });
  await window.find(`//h1[normalize-space(.)='Portfolio']`, 180000);
});
after(async () => {
  await window?.close();
});

test('Settings shows the workspace and its settings', async () => {
  await goTo(window, 'Settings');
  await window.find(`//h1[normalize-space(.)='Settings']`);
  for (const section of ['Workspace', 'Sync', 'Sync SLA', 'App registration for new tenants', 'Notifications', 'Severity rules']) {
    await window.find(`//h2[normalize-space(.)=${JSON.stringify(section)}]`);
  }
  // The schedule is read apart from the settings: wait for it too.
  await window.waitForText('Next sync in', 30000);
  const text = await window.text();
  assert.match(text, /tenantatlas-demo-/, 'the demo folder is named');
  assert.match(text, /A key derived from your passphrase/, 'the demo workspace has a passphrase');
  assert.match(text, /Next sync in (\d+ min|1 h)/, 'hourly by default, counted from the demo sync');
  assert.ok(!text.includes('undefined'), text);
  await window.screenshot('settings');
  await window.exec(`document.documentElement.classList.add('theme-dark');`);
  await window.screenshot('settings-dark');
  await window.exec(`document.documentElement.classList.remove('theme-dark');`);
});

test('a refused value says what is allowed under its field', async () => {
  await window.type(`//input[@id='sla-overdue']`, '2');
  await window.keys('\uE007');
  await window.waitForText('more than sla.warn_hours (24)');
  await window.type(`//input[@id='sla-overdue']`, '72');
  await window.keys('\uE007');
  await window.find(`//p[@role='status'][normalize-space(.)='Saved']`);
});

test('the SLA warn hours set in Settings are the Portfolio SLA', async () => {
  await window.type(`//input[@id='sla-warn']`, '12');
  await window.keys('\uE007');
  await window.find(`//p[@role='status'][normalize-space(.)='Saved']`);
  await goTo(window, 'Portfolio');
  await window.waitForText('amber after 12 h, red after 72 h', 10000);
});

test('a severity rule added in Settings is listed, and removed again', async () => {
  await goTo(window, 'Settings');
  await window.find(`//h1[normalize-space(.)='Settings']`);
  await window.exec(
    `const s = document.querySelector('form[aria-label="Add a severity rule"] select');
     s.value = 'deleted'; s.dispatchEvent(new Event('change', { bubbles: true }));`,
  );
  await window.clickButton('Add rule');
  await window.find(`//tr[@data-testid='severity-rule'][contains(., 'deleted')]`);
  await window.screenshot('settings-rule');
  await window.click(`//button[starts-with(@aria-label, 'Remove rule')]`);
  await window.waitForText('No rules of your own');
});
