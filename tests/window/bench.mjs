// The desktop app's figures, measured in a real window (run by `cargo xtask bench`; never a
// timed assertion): cold start to first paint, the demo portfolio's time to show, and the memory
// of the app's process tree with the demo portfolio loaded.
//
// Usage: node tests/window/bench.mjs [runs] [FINDINGS_WORKSPACE]
//   runs: cold starts, default 3 (the median is printed); FINDINGS_WORKSPACE: a workspace made by
//   `cargo run -p tenantatlas-engine --example findings_workspace` (passphrase `bench passphrase`),
//   opened to time the Findings workbench with all its findings.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { launch, until } from './driver.mjs';

const runs = Number(process.argv[2] ?? 3);
const findingsWorkspace = process.argv[3];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from asking for the app to the first-run screen painted with its version. */
async function coldStart() {
  const asked = Date.now();
  const window = await launch();
  try {
    await until('the first paint', 60000, () =>
      window.exec(`return document.querySelector('[data-testid="app-version"]')?.textContent.includes('Version') ?? false;`),
    );
    await window.wd('POST', window.s('/execute/async'), {
      script: `const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
      args: [],
    });
    return { total: Date.now() - asked, window: window.started - asked };
  } finally {
    await window.close();
  }
}

const starts = [];
for (let i = 0; i < runs; i++) starts.push(await coldStart());
if (runs > 0) console.log(
  `cold start to first paint: median ${median(starts.map((s) => s.total))} ms over ${runs} runs ` +
    `(window up after ${median(starts.map((s) => s.window))} ms; Xvfb and WebDriver start-up included)`,
);

if (runs > 0) {
const asked = Date.now();
const window = await launch({ args: ['--demo'] });
try {
  await until('the demo portfolio', 240000, () =>
    window.exec(`return document.querySelectorAll('[data-testid="tenant-row"]').length > 0;`),
  );
  const shown = Date.now() - asked;
  const rows = await window.exec(`return document.querySelectorAll('[data-testid="tenant-row"]').length;`);
  // Let the web view settle before reading memory.
  await new Promise((r) => setTimeout(r, 2000));
  const memory = window.memory();
  console.log(`demo portfolio (${rows} tenants: simulated cloud started, each signed in and synced, drift checked) shown after ${shown} ms`);
  if (memory) {
    console.log(
      `memory with the demo portfolio loaded: app process ${memory.app.toFixed(0)} MB, process tree (app + WebKit) ${memory.total.toFixed(0)} MB resident`,
    );
  }
} finally {
  await window.close();
}
}

if (findingsWorkspace) {
  const window = await launch({
    // Where the app looks for its workspace (XDG data folder, `tenantatlas`).
    prepare: ({ data }) => cpSync(findingsWorkspace, join(data, 'tenantatlas'), { recursive: true }),
  });
  try {
    await window.waitForText('Open your workspace', 60000);
    await window.type(`//input[@id='passphrase']`, 'bench passphrase');
    await window.clickButton('Open workspace');
    await window.find(`//h1[normalize-space(.)='Portfolio']`, 120000);
    await until('the portfolio rows', 120000, () =>
      window.exec(`return document.querySelectorAll('[data-testid="tenant-row"]').length > 0;`),
    );
    const tenants = await window.exec(`return document.querySelectorAll('[data-testid="tenant-row"]').length;`);
    const asked = Date.now();
    await window.click(`//nav[@aria-label='Main']//*[self::button or self::a][contains(., 'Findings')]`);
    await until('the findings workbench', 240000, () =>
      window.exec(`return document.querySelectorAll('[data-testid="finding-row"]').length > 0;`),
    );
    await window.wd('POST', window.s('/execute/async'), {
      script: `const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
      args: [],
    });
    const shown = Date.now() - asked;
    const header = await window.exec(
      `return document.evaluate("//h1[normalize-space(.)='Findings']/following-sibling::p[1]", document, null, XPathResult.STRING_TYPE, null).stringValue.trim();`,
    );
    const rendered = await window.exec(`return document.querySelectorAll('[data-testid="finding-row"]').length;`);
    // A filter typed into the workbench: the time until the table shows its result.
    const typed = Date.now();
    await window.type(`//input[starts-with(@placeholder, 'Filter by object')]`, 'firewall');
    await until('the filtered table', 60000, () =>
      window.exec(`return document.querySelector('[data-testid="findings-count"]')?.textContent.includes(' of ') ?? false;`),
    );
    const count = await window.exec(`return document.querySelector('[data-testid="findings-count"]').textContent.trim();`);
    const filtered = Date.now() - typed;
    const memory = window.memory();
    console.log(
      `findings workbench (${tenants} tenants; ${header}): shown ${shown} ms after the click (${rendered} rows in the page); a text filter applied in ${filtered} ms (${count})` +
        (memory ? `; process tree ${memory.total.toFixed(0)} MB resident` : ''),
    );
  } finally {
    await window.close();
  }
}
