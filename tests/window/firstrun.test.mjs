// The first window a new user sees: the product, its version (from Rust over IPC), the workspace it
// would create and how its key would be kept, and the demo.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VERSION, launch } from './driver.mjs';

let window;
before(async () => {
  window = await launch();
});
after(async () => {
  await window?.close();
});

test('the first run offers to create a workspace or explore the demo', async () => {
  await window.waitForText('Create a workspace', 60000);
  const version = await window.exec(
    `return document.querySelector('[data-testid="app-version"]')?.textContent.trim() ?? null;`,
  );
  assert.equal(version, `Version ${VERSION}`);
  assert.equal(await window.wd('GET', window.s('/title')), 'TenantAtlas');
  const text = await window.text();
  assert.match(text, /No workspace yet/);
  assert.match(text, /Explore the demo portfolio/);
  // This machine's test session has no keychain: the passphrase is asked for and its rule shown.
  assert.match(text, /a passphrase protects the workspace instead/);
  await window.screenshot('firstrun');
});

test('a weak passphrase cannot create a workspace', async () => {
  await window.type(`//input[@id='passphrase']`, 'aaaaaaaaaaaaaa');
  const disabled = await window.exec(`return document.querySelector('button[type=submit]').disabled;`);
  assert.equal(disabled, true, 'fourteen times the same letter is refused');
  await window.type(`//input[@id='passphrase']`, 'correct horse battery staple');
  await window.clickButton('Create workspace');
  await window.waitForText('Portfolio', 60000);
  await window.waitForText('No tenants yet', 30000);
});

test('the window follows the desktop theme: a dark GTK theme gives the dark palette', async () => {
  const dark = await launch({ env: { GTK_THEME: 'Adwaita:dark' } });
  try {
    await dark.waitForText('Create a workspace', 60000);
    const looks = await dark.exec(`return {
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
      bg: getComputedStyle(document.documentElement).getPropertyValue('--bg').trim(),
    };`);
    assert.equal(looks.dark, true);
    assert.equal(looks.bg, '#0e141d', 'the dark palette');
    await dark.screenshot('firstrun-dark');
  } finally {
    await dark.close();
  }
  // And the light one by default.
  const bg = await window.exec(`return getComputedStyle(document.documentElement).getPropertyValue('--bg').trim();`);
  assert.equal(bg, '#f4f6fa', 'the light palette');
});
