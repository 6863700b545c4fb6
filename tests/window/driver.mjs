// The real-window test harness: the built desktop app under Xvfb, driven over W3C WebDriver
// through tauri-driver and WebKitWebDriver, with nothing but Node's standard library.
//
// `launch()` starts one private X server, tauri-driver and the app (a fresh HOME and XDG folders in
// a temporary directory, so nothing of the user's is read or written) and answers a `Window` to
// drive; `window.close()` ends the session and every process started, in one process group.
//
// Env: TENANTATLAS_DESKTOP_BIN (default: <target>/debug/tenantatlas-desktop, <target> being
//      CARGO_TARGET_DIR or target/ in the project), TENANTATLAS_SHOTS (where screenshots go;
//      default <target>/window-shots; `cargo xtask screenshots` sets docs/).
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
export const APP = resolve(process.env.TENANTATLAS_DESKTOP_BIN ?? join(TARGET, 'debug', 'tenantatlas-desktop'));
export const SHOTS = resolve(process.env.TENANTATLAS_SHOTS ?? join(TARGET, 'window-shots'));
const NATIVE_DRIVER = '/usr/bin/WebKitWebDriver';

/** The workspace version, the first `version =` line of Cargo.toml: what the window must show. */
export const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)?.[1];

function which(tool) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** What is missing to run these tests, with the command that installs it; null when nothing is. */
export function missing() {
  const cargoBin = join(process.env.CARGO_HOME ?? join(process.env.HOME ?? '', '.cargo'), 'bin');
  if (!which('tauri-driver') && !existsSync(join(cargoBin, 'tauri-driver'))) {
    return 'tauri-driver is not installed; run: cargo xtask setup';
  }
  if (!which('xvfb-run')) return 'xvfb-run is not installed; run: cargo xtask setup';
  if (!existsSync(NATIVE_DRIVER)) return `${NATIVE_DRIVER} is missing; run: cargo xtask setup`;
  if (!existsSync(APP)) {
    return `no desktop app at ${APP}; build it: npm --prefix ui run build && cargo build -p tenantatlas-desktop --features tauri/custom-protocol`;
  }
  return null;
}

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers something truthy; fails after `ms` saying what it waited for. */
export async function until(what, ms, probe) {
  const end = Date.now() + ms;
  let last = 'no answer yet';
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what} (last: ${last})`);
    await sleep(150);
  }
}

/** XPath literal for any text (quotes included). */
export function literal(text) {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts the app in a real window. `args` are the app's command-line arguments (e.g. `--demo`);
 * `env` adds variables; `prepare({home, data, config})` fills the app's folders first.
 */
export async function launch({ args = [], env = {}, prepare } = {}) {
  const why = missing();
  if (why) throw new Error(why);
  const driver = which('tauri-driver') ?? join(process.env.CARGO_HOME ?? join(process.env.HOME, '.cargo'), 'bin', 'tauri-driver');
  const port = await freePort();
  let nativePort = await freePort();
  if (nativePort === port) nativePort = await freePort();
  const scratch = mkdtempSync(join(tmpdir(), 'tenantatlas-window-'));
  for (const d of ['home', 'cache', 'data', 'config']) mkdirSync(join(scratch, d));
  const log = join(scratch, 'driver.log');
  // The app's folders before it starts, e.g. a workspace put where the app looks for it.
  if (prepare) prepare({ home: join(scratch, 'home'), data: join(scratch, 'data'), config: join(scratch, 'config') });
  // Keep the app, WebKit and Mesa out of the real home; the keychain is not reachable here, so
  // the app takes the passphrase path as it does on a machine without one.
  const childEnv = {
    ...process.env,
    HOME: join(scratch, 'home'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
    XDG_DATA_HOME: join(scratch, 'data'),
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_RUNTIME_DIR: scratch,
    NO_AT_BRIDGE: '1',
    ...env,
  };
  delete childEnv.DBUS_SESSION_BUS_ADDRESS;
  delete childEnv.TENANTATLAS_PASSPHRASE;
  const out = openSync(log, 'a');
  // detached: the driver starts a new process group, so one signal ends Xvfb, both drivers, the
  // app and its WebKit processes.
  const child = spawn(
    'xvfb-run',
    ['-a', '-s', '-screen 0 1280x800x24', driver, '--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE_DRIVER],
    { env: childEnv, detached: true, stdio: ['ignore', out, out] },
  );
  const base = `http://127.0.0.1:${port}`;
  const window = new Window(base, child, scratch, log);
  try {
    await until('tauri-driver to listen', 30000, async () => {
      await window.wd('GET', '/status', undefined, 2000);
      return true;
    });
    // One attempt: WebKitWebDriver starts the app and answers once its window is up; a retry
    // would start a second copy.
    const session = await window.wd(
      'POST',
      '/session',
      { capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args } } } },
      90000,
    );
    window.session = session.sessionId;
    window.started = Date.now();
  } catch (err) {
    await window.close();
    throw new Error(`could not start the app under WebDriver: ${err.message}\n${tail(log)}`);
  }
  return window;
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export class Window {
  constructor(base, child, scratch, log) {
    this.base = base;
    this.child = child;
    this.scratch = scratch;
    this.log = log;
    this.session = null;
  }

  async wd(method, path, body, timeoutMs = 30000) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const v = json.value ?? {};
      throw new Error(`${method} ${path}: HTTP ${res.status} ${v.error ?? ''} ${v.message ?? ''}`.trim());
    }
    return json.value;
  }

  s(path) {
    return `/session/${this.session}${path}`;
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the page and answers its value. */
  exec(script, ...args) {
    return this.wd('POST', this.s('/execute/sync'), { script, args });
  }

  /** The page's visible text. */
  text() {
    return this.exec('return document.body.innerText;');
  }

  /** Waits until the page's text contains `needle`. */
  waitForText(needle, ms = 30000) {
    return until(`the window to show ${JSON.stringify(needle)}`, ms, async () => (await this.text()).includes(needle));
  }

  /** Waits for an element matching `xpath` that is displayed, and answers its reference. */
  async find(xpath, ms = 30000) {
    return until(`an element ${xpath}`, ms, async () => {
      const found = await this.wd('POST', this.s('/elements'), { using: 'xpath', value: xpath });
      for (const el of found) {
        if (await this.isVisible(el[ELEMENT])) return el[ELEMENT];
      }
      return null;
    });
  }

  /** Whether the element takes room on the page and is not hidden: the page's own answer
   * (WebKitWebDriver's `displayed` says no for some clipped headings a person sees). */
  isVisible(id) {
    return this.exec(
      `const e = arguments[0];
       if (!e.isConnected || e.closest('[hidden]')) return false;
       const style = getComputedStyle(e);
       return style.visibility !== 'hidden' && style.display !== 'none' && e.getClientRects().length > 0;`,
      { [ELEMENT]: id },
    );
  }

  /** Clicks the element matching `xpath` once it is displayed and enabled. */
  async click(xpath, ms = 30000) {
    const id = await until(`${xpath} to be enabled`, ms, async () => {
      const el = await this.find(xpath, ms);
      return (await this.wd('GET', this.s(`/element/${el}/enabled`))) ? el : null;
    });
    await this.wd('POST', this.s(`/element/${id}/click`), {});
  }

  /** Clicks the button whose text (or accessible label) is `name`. */
  clickButton(name, ms) {
    const n = literal(name);
    return this.click(`//button[normalize-space(.)=${n} or @aria-label=${n}]`, ms);
  }

  /** Types `text` into the element matching `xpath` (after clearing it). */
  async type(xpath, text) {
    const id = await this.find(xpath);
    await this.wd('POST', this.s(`/element/${id}/clear`), {});
    await this.wd('POST', this.s(`/element/${id}/value`), { text });
  }

  /** Sends keys to whatever has focus (WebDriver key codes, e.g. '\uE007' for Enter). */
  async keys(text) {
    const actions = [...text].flatMap((c) => [
      { type: 'keyDown', value: c },
      { type: 'keyUp', value: c },
    ]);
    await this.wd('POST', this.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.wd('DELETE', this.s('/actions'));
  }

  /** Presses keys together (e.g. '\uE009', 'k' for Ctrl+K): all down in order, then all up. */
  async chord(...keys) {
    const actions = [
      ...keys.map((value) => ({ type: 'keyDown', value })),
      ...[...keys].reverse().map((value) => ({ type: 'keyUp', value })),
    ];
    await this.wd('POST', this.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.wd('DELETE', this.s('/actions'));
  }

  /** Saves a screenshot of the window as SHOTS/screenshot-name.png once two frames have been painted. */
  async screenshot(name) {
    await this.wd('POST', this.s('/execute/async'), {
      script: `const done = arguments[arguments.length - 1];
        requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
      args: [],
    });
    const png = await this.wd('GET', this.s('/screenshot'));
    mkdirSync(SHOTS, { recursive: true });
    const file = join(SHOTS, `screenshot-${name}.png`);
    writeFileSync(file, Buffer.from(png, 'base64'));
    return file;
  }

  /** Resident memory (MB) of the app and the WebKit processes it started, from /proc. */
  memory() {
    const procs = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((pid) => {
        try {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          return {
            pid,
            exe: readlinkSync(`/proc/${pid}/exe`),
            ppid: status.match(/^PPid:\s+(\d+)/m)?.[1],
            rssKb: Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0),
          };
        } catch {
          return null;
        }
      })
      .filter(Boolean);
    const main = procs.find((p) => p.exe === APP);
    if (!main) return null;
    const kids = procs.filter((p) => p.ppid === main.pid);
    return { app: main.rssKb / 1024, total: (main.rssKb + kids.reduce((s, k) => s + k.rssKb, 0)) / 1024 };
  }

  /** Ends the session and every process started for it; removes the scratch folder. */
  async close() {
    if (this.session) {
      await this.wd('DELETE', this.s(''), undefined, 10000).catch(() => {});
      this.session = null;
    }
    const group = this.child.pid;
    try {
      process.kill(-group, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      try {
        process.kill(-group, 0);
      } catch {
        break;
      }
      await sleep(100);
    }
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** The driver's last lines, for a failure message. */
  driverLog() {
    return tail(this.log);
  }
}
