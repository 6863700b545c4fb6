// The simulated cloud for real-window tests (`tenantatlas sim`, the built command line), and a
// person's side of signing in to it: what they would do in a browser, done over HTTPS.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { APP } from './driver.mjs';

const CLI = join(APP, '..', 'tenantatlas');

/** Starts `tenantatlas sim` on loopback; answers its announcement (authority, graph, ca_cert,
 * tenants) with the CA certificate's text and `stop()`. */
export async function startSim(args = []) {
  if (!existsSync(CLI)) throw new Error(`no command line at ${CLI}; build it: cargo build -p tenantatlas-cli`);
  const state = mkdtempSync(join(tmpdir(), 'tenantatlas-window-sim-'));
  const child = spawn(CLI, ['sim', '--state-dir', state, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', ok);
    child.once('exit', (code) => fail(new Error(`tenantatlas sim ended (${code}) before announcing itself`)));
  });
  const sim = JSON.parse(first);
  sim.ca = readFileSync(sim.ca_cert, 'utf8');
  sim.stop = () => {
    child.kill('SIGTERM');
    rmSync(state, { recursive: true, force: true });
  };
  return sim;
}

/** One HTTP(S) request trusting the simulator's CA; a `form` is sent url-encoded. */
export function request(url, { method = 'GET', form, ca } = {}) {
  const body = form === undefined ? undefined : new URLSearchParams(form).toString();
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((ok, fail) => {
    const req = lib.request(
      target,
      {
        method,
        ca,
        headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        timeout: 30000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within 30 s`)));
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const unescape = (s) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A person entering `code` at the device-login page and approving as the tenant's first account. */
export async function approveDeviceCode(verificationUri, code, ca) {
  const consent = await request(verificationUri, { method: 'POST', form: { user_code: code }, ca });
  const account = consent.body.match(/<option value="([^"]+)"/)?.[1];
  if (!account) throw new Error(`the device-login page offered no account (HTTP ${consent.status})`);
  const done = await request(verificationUri, {
    method: 'POST',
    form: { user_code: code, account: unescape(account), decision: 'approve' },
    ca,
  });
  if (!done.body.includes("You're signed in") && !done.body.includes('You&#39;re signed in')) {
    throw new Error(`the device sign-in was not approved (HTTP ${done.status})`);
  }
}

/** A person accepting the browser sign-in at `url`; the page then sends the browser to the app's
 * loopback address, which this follows as the browser would. */
export async function approveBrowserSignIn(url, ca) {
  const page = await request(url, { ca });
  const hidden = [...page.body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [
    unescape(m[1]),
    unescape(m[2]),
  ]);
  if (hidden.length === 0) throw new Error(`the sign-in page has no form (HTTP ${page.status})`);
  const answer = await request(url, { method: 'POST', form: [...hidden, ['decision', 'approve']], ca });
  const location = answer.headers.location;
  if (!location) throw new Error(`the sign-in page did not send the browser back to the app (HTTP ${answer.status})`);
  const back = await request(location);
  if (back.status >= 400) throw new Error(`the app's loopback address answered HTTP ${back.status}`);
}

/** The client id the product signs in with by default (Microsoft Graph Command Line Tools). */
export const DEFAULT_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

/** An access token for `tenant` the way an admin's script gets one: the device-code flow, the
 * code approved at the device-login page. */
export async function adminToken(sim, tenant, scope = 'https://graph.microsoft.com/.default') {
  const base = `${sim.authority}/${tenant}/oauth2/v2.0`;
  const started = await request(`${base}/devicecode`, {
    method: 'POST',
    form: { client_id: DEFAULT_CLIENT_ID, scope: `${scope} offline_access` },
    ca: sim.ca,
  });
  const code = JSON.parse(started.body);
  if (!code.device_code) throw new Error(`no device code from the simulator: ${started.body}`);
  await approveDeviceCode(code.verification_uri, code.user_code, sim.ca);
  const token = await request(`${base}/token`, {
    method: 'POST',
    form: {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: DEFAULT_CLIENT_ID,
      device_code: code.device_code,
    },
    ca: sim.ca,
  });
  const answer = JSON.parse(token.body);
  if (!answer.access_token) throw new Error(`no access token from the simulator: ${token.body}`);
  return answer.access_token;
}

/** One Graph request with a bearer token; answers the parsed JSON (or null for no body). */
export async function graph(sim, token, method, path, body) {
  const url = new URL(`${sim.graph}/${path.replace(/^\//, '')}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const res = await new Promise((ok, fail) => {
    const req = https.request(
      url,
      {
        method,
        ca: sim.ca,
        headers: {
          authorization: `Bearer ${token}`,
          ...(text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }),
        },
        timeout: 30000,
      },
      (r) => {
        let data = '';
        r.setEncoding('utf8');
        r.on('data', (c) => (data += c));
        r.on('end', () => ok({ status: r.statusCode, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', fail);
    if (text !== undefined) req.write(text);
    req.end();
  });
  if (res.status >= 400) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  return res.body ? JSON.parse(res.body) : null;
}
