#!/usr/bin/env bash
# Real-window smoke test of the TenantAtlas desktop app.
#
# Starts the already built binary under Xvfb through tauri-driver, checks over WebDriver that the
# window shows the product name and the workspace version (which comes from Rust over IPC), and
# saves a screenshot. It builds nothing: build first with
#   npm --prefix ui ci && npm --prefix ui run build
#   cargo build -p tenantatlas-desktop
#
# Usage: scripts/desktop-smoke.sh [SCREENSHOT.png]   (default: desktop-smoke.png in the target folder)
# Needs: xvfb-run (xvfb, xauth), /usr/bin/WebKitWebDriver (webkit2gtk-driver), node >= 18,
#        tauri-driver (cargo install tauri-driver --locked).
# On failure it prints one line starting "desktop-smoke: FAILED:" and keeps the driver's output
# next to the screenshot path (SCREENSHOT with .log instead of .png).
# Env:   CARGO_TARGET_DIR (where cargo built it, as for cargo; default target/ in the project),
#        TENANTATLAS_DESKTOP_BIN (default $CARGO_TARGET_DIR/debug/tenantatlas-desktop),
#        TAURI_DRIVER_PORT (default 4444; the native WebKitWebDriver gets the next port).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
shot="${1:-$target/desktop-smoke.png}"
app="${TENANTATLAS_DESKTOP_BIN:-$target/debug/tenantatlas-desktop}"
port="${TAURI_DRIVER_PORT:-4444}"
native_port=$((port + 1))

die() {
  echo "desktop-smoke: FAILED: $*" >&2
  exit 1
}

# Resolve every tool before HOME is replaced below (tauri-driver usually lives in ~/.cargo/bin).
driver="$(command -v tauri-driver || true)"
[[ -n $driver ]] || driver="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
[[ -x $driver ]] || die "tauri-driver not found; run: cargo install tauri-driver --locked"
command -v xvfb-run >/dev/null || die "xvfb-run not found; run: apt-get install -y xvfb xauth"
[[ -x /usr/bin/WebKitWebDriver ]] || die "/usr/bin/WebKitWebDriver not found; run: apt-get install -y webkit2gtk-driver"
command -v node >/dev/null || die "node not found"
command -v setsid >/dev/null || die "setsid not found (util-linux)"
[[ -x $app ]] || die "no binary at $app; build it with: npm --prefix ui ci && npm --prefix ui run build && cargo build -p tenantatlas-desktop"
app="$(cd "$(dirname "$app")" && pwd)/$(basename "$app")"
mkdir -p "$(dirname "$shot")"
shot="$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")"

# The version the window must show: the workspace version, the first `version =` in Cargo.toml.
expected_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n1)"
[[ -n $expected_version ]] || die "could not read the workspace version from $root/Cargo.toml"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/desktop-smoke.XXXXXX")"
log="$scratch/driver.log"
group=""

cleanup() {
  local rc=$?
  if [[ -n $group ]]; then
    # Everything started below (xvfb-run, Xvfb, tauri-driver, WebKitWebDriver, the app and its
    # WebKit processes) shares one process group, so one signal reaches all of them.
    kill -TERM -- "-$group" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 -- "-$group" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.1
    done
    kill -KILL -- "-$group" 2>/dev/null || true
  fi
  if ((rc != 0)) && [[ -s $log ]]; then
    cp "$log" "${shot%.png}.log" 2>/dev/null || true
  fi
  rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Something already answering on the port would be driven instead of our own driver.
if node -e "fetch('http://127.0.0.1:$port/status').then(() => process.exit(0), () => process.exit(1))" 2>/dev/null; then
  die "port $port is already in use; stop the other WebDriver or set TAURI_DRIVER_PORT"
fi

# Keep the app, WebKit and Mesa out of the real home.
mkdir -p "$scratch/home" "$scratch/cache" "$scratch/data" "$scratch/config"
export HOME="$scratch/home" XDG_CACHE_HOME="$scratch/cache" XDG_DATA_HOME="$scratch/data" \
  XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch" NO_AT_BRIDGE=1

# Without job control a background job is no group leader, so setsid execs in place and $! is
# the id of the new process group.
setsid xvfb-run -a -s "-screen 0 1280x800x24" \
  "$driver" --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver \
  >"$log" 2>&1 </dev/null &
group=$!

started=$SECONDS
SMOKE_PORT="$port" SMOKE_APP="$app" SMOKE_SHOT="$shot" SMOKE_VERSION="$expected_version" \
  node --input-type=module - <<'NODE' || die "$(tail -n1 "$scratch/node-error" 2>/dev/null || echo 'webdriver check failed')"
import { readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';

const base = `http://127.0.0.1:${process.env.SMOKE_PORT}`;
const app = process.env.SMOKE_APP;
const version = process.env.SMOKE_VERSION;
const errFile = `${process.env.XDG_RUNTIME_DIR}/node-error`;

function fail(message) {
  writeFileSync(errFile, `${message}\n`);
  process.exit(1);
}

async function wd(method, path, body, timeoutMs = 30000) {
  const res = await fetch(`${base}${path}`, {
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

// Polls `probe` until it returns a truthy value or the deadline passes.
async function until(what, deadlineMs, probe) {
  const end = Date.now() + deadlineMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs / 1000} s waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Resident memory of the app and of the WebKit processes it started, from /proc.
function memory(appPath) {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
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
  }).filter(Boolean);
  const main = procs.find((p) => p.exe === appPath);
  if (!main) return 'app process not found';
  const kids = procs.filter((p) => p.ppid === main.pid);
  const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
  const parts = kids.map((k) => `${k.exe.split('/').pop()} ${mb(k.rssKb)}`);
  const total = main.rssKb + kids.reduce((s, k) => s + k.rssKb, 0);
  return `app VmRSS ${mb(main.rssKb)}, ${parts.join(', ')}; total ${mb(total)}`;
}

const t0 = Date.now();
let session;
let failure;
try {
  await until('tauri-driver to listen', 30000, async () => {
    await wd('GET', '/status', undefined, 2000);
    return true;
  });
  // One attempt: WebKitWebDriver starts the app and answers once its window is up, so a retry
  // would only start a second copy.
  session = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: app } } },
  }, 60000).then(
    (value) => value.sessionId,
    (err) => {
      const why = err.name === 'TimeoutError' ? 'no window within 60 s' : err.message;
      throw new Error(`could not start ${app} under WebDriver: ${why}`);
    },
  );
  const tSession = Date.now();

  const page = await until(`the window to show TenantAtlas and version ${version}`, 30000, async () => {
    const p = await wd('POST', `/session/${session}/execute/sync`, {
      script: `return {
        text: document.body.innerText,
        version: document.querySelector('[data-testid="app-version"]')?.textContent.trim() ?? null,
        href: location.href,
      };`,
      args: [],
    });
    if (p.href.startsWith('http://localhost:5173')) return { devServer: true };
    if (p.text.includes('TenantAtlas') && p.version === `Version ${version}`) return p;
    if (p.href === 'about:blank') {
      throw new Error('nothing loaded; a binary built with --no-default-features waits for the Vite dev server');
    }
    throw new Error(`${p.href} shows version ${JSON.stringify(p.version)}`);
  });
  if (page.devServer) {
    throw new Error('the binary loads the Vite dev server; rebuild it with its default features');
  }
  const title = await wd('GET', `/session/${session}/title`);
  if (title !== 'TenantAtlas') throw new Error(`page title is ${JSON.stringify(title)}, expected "TenantAtlas"`);
  if (!page.text.includes('No workspace yet')) throw new Error('the empty workspace panel is missing');

  // The DOM can be ahead of what is painted: wait for two rendering updates before the shot.
  await wd('POST', `/session/${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1];
      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
    args: [],
  });
  const png = await wd('GET', `/session/${session}/screenshot`);
  writeFileSync(process.env.SMOKE_SHOT, Buffer.from(png, 'base64'));
  console.log(`desktop-smoke: window shows TenantAtlas ${page.version}`);
  console.log(`desktop-smoke: session ${tSession - t0} ms, content ${Date.now() - tSession} ms`);
  console.log(`desktop-smoke: memory: ${memory(app)}`);
  console.log(`desktop-smoke: screenshot ${process.env.SMOKE_SHOT}`);
} catch (err) {
  failure = err.message;
} finally {
  if (session) await wd('DELETE', `/session/${session}`, undefined, 5000).catch(() => {});
}
if (failure) fail(failure);
NODE
echo "desktop-smoke: ok in $((SECONDS - started)) s"
