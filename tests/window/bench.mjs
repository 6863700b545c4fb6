// The desktop app's figures, measured in a real window (run by `cargo xtask bench`; never a
// timed assertion): cold start to first paint, the demo portfolio's time to show, and the memory
// of the app's process tree with the demo portfolio loaded.
//
// Usage: node tests/window/bench.mjs [runs]   (default 3 cold starts; the median is printed)
import { launch, until } from './driver.mjs';

const runs = Number(process.argv[2] ?? 3);
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
console.log(
  `cold start to first paint: median ${median(starts.map((s) => s.total))} ms over ${runs} runs ` +
    `(window up after ${median(starts.map((s) => s.window))} ms; Xvfb and WebDriver start-up included)`,
);

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
