// The console's sign-in of console users (Cognito hosted UI, authorization code with PKCE) in a real Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) against a real running Longwatch (local-dev).
//
//   LONGWATCH_URL=http://127.0.0.1:8080 LONGWATCH_KEY=lw_... [LONGWATCH_NOW=<epoch ms>] [SCREENSHOT_DIR=target/console-e2e] \
//   [CHROMIUM=/usr/bin/chromium] node e2e/cognito.e2e.mjs
//
// Cognito and API Gateway cannot run here, so this script runs three small HTTP servers (port 0, 127.0.0.1), each
// its own origin as on AWS:
//   - the console's origin: local-dev's own console files (index.html, assets/) passed through, a `config.json`
//     with the Cognito settings pointing at the two others, and a Content-Security-Policy like CloudFront's;
//   - a stand-in for the hosted UI: `/oauth2/authorize` checks the request and sends the browser straight back with a
//     code (no login form), `/oauth2/token` checks the code grant (client, redirect URI, PKCE S256 verifier against
//     the challenge) and the refresh grant and answers with HS256-signed JWTs, `/logout` checks its parameters;
//   - a stand-in for the console API's JWT authorizer: verifies each request's `Authorization: Bearer <id token>`
//     (signature, expiry, audience, not revoked, tenant claim `custom:tenant`), then forwards it to local-dev's real
//     API with the dev tenant's API key. Everything behind it (the pages' data) is the real platform.
// Exit code 0 = every check held.
import { BASE, KEY, NOW, SHOTS, check, checks, launchChromium, run } from './harness.mjs';
import { createServer, request as httpRequest } from 'node:http';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import assert from 'node:assert/strict';


const RUN = Date.now().toString(36);
const METRIC = `e2e.cognito.${RUN}`;
const CLIENT_ID = `e2e-client-${RUN}`;
const EMAIL = 'alice@example.com';
const TENANT = 'dev'; // local-dev's tenant, the one of the dev key
const SECRET = randomBytes(32);

const b64url = (buf) => Buffer.from(buf).toString('base64url');
function signJwt(claims) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(createHmac('sha256', SECRET).update(`${head}.${body}`).digest())}`;
}
function verifyJwt(token) {
  const [head, body, sig] = token.split('.');
  if (!sig || b64url(createHmac('sha256', SECRET).update(`${head}.${body}`).digest()) !== sig) return null;
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
}

function listen(handler) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((e) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

// --- the hosted UI's stand-in (its endpoints as documented by Cognito)
const hosted = {
  authorizes: [], tokenRequests: [], logouts: [], codes: new Map(), refreshTokens: new Set(), idTokens: [], nextError: null,
};
function issueIdToken() {
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt({ sub: 'user-1', email: EMAIL, 'custom:tenant': TENANT, aud: CLIENT_ID, token_use: 'id', iat: now, exp: now + 3600, jti: randomBytes(8).toString('hex') });
  hosted.idTokens.push(token);
  return token;
}

// --- the console API's authorizer stand-in
const consoleApi = { calls: [], revoked: new Set() };

let CONSOLE = '';
let HOSTED = '';
let CONSOLE_API = '';

async function hostedUi(req, res, body) {
  const url = new URL(req.url, HOSTED);
  if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
    const q = Object.fromEntries(url.searchParams);
    hosted.authorizes.push(q);
    const back = new URL(q.redirect_uri);
    if (q.client_id !== CLIENT_ID || q.redirect_uri !== `${CONSOLE}/`) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('redirect_mismatch');
      return;
    }
    if (hosted.nextError) {
      back.searchParams.set('error', hosted.nextError[0]);
      back.searchParams.set('error_description', hosted.nextError[1]);
      hosted.nextError = null;
    } else {
      const code = randomBytes(16).toString('hex');
      hosted.codes.set(code, q);
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', q.state);
    res.writeHead(302, { Location: back.toString() }).end();
    return;
  }
  if (req.method === 'POST' && url.pathname === '/oauth2/token') {
    const f = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    hosted.tokenRequests.push({ contentType: req.headers['content-type'], form: f });
    // Cognito's token endpoint answers any origin (Access-Control-Allow-Origin: *).
    const answer = (status, json) => res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }).end(JSON.stringify(json));
    if (f.client_id !== CLIENT_ID) return answer(400, { error: 'invalid_client' });
    if (f.grant_type === 'authorization_code') {
      const auth = hosted.codes.get(f.code);
      hosted.codes.delete(f.code);
      if (!auth || f.redirect_uri !== auth.redirect_uri) return answer(400, { error: 'invalid_grant' });
      if (auth.code_challenge_method !== 'S256' || b64url(createHash('sha256').update(f.code_verifier ?? '').digest()) !== auth.code_challenge) {
        return answer(400, { error: 'invalid_grant' });
      }
      const refresh = randomBytes(24).toString('hex');
      hosted.refreshTokens.add(refresh);
      return answer(200, { id_token: issueIdToken(), access_token: 'opaque-access', refresh_token: refresh, expires_in: 3600, token_type: 'Bearer' });
    }
    if (f.grant_type === 'refresh_token') {
      if (!hosted.refreshTokens.has(f.refresh_token)) return answer(400, { error: 'invalid_grant' });
      return answer(200, { id_token: issueIdToken(), access_token: 'opaque-access', expires_in: 3600, token_type: 'Bearer' });
    }
    return answer(400, { error: 'unsupported_grant_type' });
  }
  if (req.method === 'GET' && url.pathname === '/logout') {
    const q = Object.fromEntries(url.searchParams);
    hosted.logouts.push(q);
    if (q.client_id !== CLIENT_ID || q.logout_uri !== `${CONSOLE}/`) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('invalid logout request');
      return;
    }
    res.writeHead(302, { Location: q.logout_uri }).end();
    return;
  }
  res.writeHead(404).end();
}

function forward(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(BASE + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body.length ? body : undefined);
  });
}

async function consoleApiServer(req, res, body) {
  const cors = { 'Access-Control-Allow-Origin': CONSOLE, 'Vary': 'Origin' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET,POST,PUT,DELETE', 'Access-Control-Allow-Headers': 'authorization,content-type',
      'Access-Control-Max-Age': '0' }).end();
    return;
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const claims = bearer ? verifyJwt(bearer) : null;
  const ok = claims && claims.aud === CLIENT_ID && claims.exp * 1000 > Date.now() && claims['custom:tenant'] === TENANT
    && !consoleApi.revoked.has(bearer);
  consoleApi.calls.push({ method: req.method, path: req.url, token: bearer, accepted: Boolean(ok) });
  if (!ok) {
    res.writeHead(401, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'Unauthorized' }));
    return;
  }
  const headers = { Authorization: `Bearer ${KEY}` };
  if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
  const r = await forward(req.method, req.url, headers, body);
  res.writeHead(r.status, { ...cors, 'Content-Type': r.headers['content-type'] ?? 'application/json' }).end(r.body);
}

const strayCalls = [];
async function consoleOrigin(req, res) {
  const path = new URL(req.url, CONSOLE).pathname;
  if (path === '/config.json') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({
      apiUrl: BASE, consoleApiUrl: `${CONSOLE_API}/`, region: 'eu-west-1', userPoolId: 'eu-west-1_E2e', userPoolClientId: CLIENT_ID,
      signInUrl: HOSTED, redirectUri: `${CONSOLE}/`, tenantClaim: 'custom:tenant',
    }));
    return;
  }
  if (req.method !== 'GET' || !(path === '/' || path === '/index.html' || path.startsWith('/assets/'))) {
    if (path.startsWith('/v1') || req.method !== 'GET') strayCalls.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
    return;
  }
  const r = await forward('GET', path, {}, Buffer.alloc(0));
  // As CloudFront's policy: scripts from this origin; calls to the console API and the sign-in domain only.
  res.writeHead(r.status, { 'Content-Type': r.headers['content-type'] ?? 'text/html', 'Cache-Control': 'no-cache',
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; `
      + `connect-src 'self' ${CONSOLE_API} ${HOSTED}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'` }).end(r.body);
}

async function ingest() {
  const res = await fetch(`${BASE}/v1/metrics`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ series: [{ metric: METRIC, type: 'gauge', tags: { service: 'checkout' }, points: [[NOW - 120_000, 1]] }] }) });
  assert.ok(res.ok, `ingest answered ${res.status}`);
  const roll = await fetch(`${BASE}/v1/admin/jobs/rollup/run`, { method: 'POST' });
  assert.ok(roll.ok, `rollup answered ${roll.status}`);
}


const tokensIn = (page) => page.evaluate(() => ({
  id: sessionStorage.getItem('longwatch.idToken'), refresh: sessionStorage.getItem('longwatch.refreshToken'), local: localStorage.length,
}));

async function main() {
  await ingest();
  const servers = [await listen(consoleOrigin), await listen(hostedUi), await listen(consoleApiServer)];
  [CONSOLE, HOSTED, CONSOLE_API] = servers.map((s) => s.origin);
  const browser = await launchChromium();
  const pageErrors = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.setDefaultTimeout(15_000);
    const signInButton = page.getByRole('button', { name: 'Sign in with your Longwatch account' });

    await check('with Cognito settings the sign-in page offers the Longwatch account besides the API key', async () => {
      await page.goto(`${CONSOLE}/`);
      await signInButton.waitFor();
      assert.equal(await page.getByLabel('API key').count(), 1, 'the API key form is still there');
      await page.screenshot({ path: join(SHOTS, 'cognito-signin.png') });
    });

    await check('an error the hosted UI sends back is shown on the sign-in page, and leaves the URL', async () => {
      hosted.nextError = ['access_denied', 'User is disabled.'];
      await signInButton.click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      assert.match(text, /access_denied/);
      assert.match(text, /User is disabled\./);
      assert.equal(new URL(page.url()).search, '', 'error and state are gone from the URL');
      assert.equal(hosted.tokenRequests.length, 0, 'nothing exchanged');
    });

    await check('a code with a state this tab did not send is refused and not exchanged', async () => {
      await page.goto(`${CONSOLE}/?code=forged-code&state=forged-state`);
      await page.getByRole('alert').filter({ hasText: 'Sign-in refused' }).waitFor();
      assert.equal(hosted.tokenRequests.length, 0, 'nothing exchanged');
      assert.equal(new URL(page.url()).search, '');
    });

    await check('signing in at the hosted UI (code + PKCE) shows the user and tenant and calls the console API with the ID token', async () => {
      await signInButton.click();
      await page.getByRole('heading', { name: 'Metrics explorer' }).waitFor();
      const auth = hosted.authorizes.at(-1);
      assert.deepEqual(Object.keys(auth).sort(), ['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
      assert.deepEqual([auth.response_type, auth.scope, auth.code_challenge_method], ['code', 'openid email', 'S256']);
      const exchange = hosted.tokenRequests.at(-1);
      assert.equal(exchange.contentType, 'application/x-www-form-urlencoded');
      assert.deepEqual(Object.keys(exchange.form).sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
      assert.equal(new URL(page.url()).search, '', 'code and state are gone from the URL');
      assert.equal(await page.locator('header .who-email').textContent(), EMAIL);
      assert.match(await page.locator('header .who-tenant').textContent(), /tenant dev/);
      await page.waitForFunction((m) => [...document.querySelectorAll('select[name=metric] option')].some((o) => o.value === m), METRIC);
      const stored = await tokensIn(page);
      assert.equal(stored.id, hosted.idTokens.at(-1), 'the ID token is in sessionStorage');
      assert.ok(stored.refresh, 'the refresh token is in sessionStorage');
      assert.equal(stored.local, 0, 'nothing in localStorage');
      assert.ok(consoleApi.calls.length > 0 && consoleApi.calls.every((c) => c.token === stored.id && c.accepted), 'every console API call carried the ID token');
      assert.ok(consoleApi.calls.some((c) => c.path === '/v1/metrics'));
      await page.screenshot({ path: join(SHOTS, 'cognito-signed-in.png') });
    });

    await check('a refused ID token is refreshed once and the page still loads', async () => {
      const old = hosted.idTokens.at(-1);
      consoleApi.revoked.add(old);
      const before = hosted.tokenRequests.length;
      await page.getByRole('link', { name: 'Monitors' }).click();
      await page.getByRole('heading', { name: 'Monitors' }).waitFor();
      await page.waitForFunction((t) => sessionStorage.getItem('longwatch.idToken') !== t, old);
      const refreshes = hosted.tokenRequests.slice(before);
      assert.deepEqual(refreshes.map((r) => r.form.grant_type), ['refresh_token'], 'one refresh');
      assert.deepEqual(Object.keys(refreshes[0].form).sort(), ['client_id', 'grant_type', 'refresh_token']);
      const last = consoleApi.calls.at(-1);
      assert.ok(last.accepted && last.token === hosted.idTokens.at(-1), 'retried with the new ID token');
      assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
    });

    await check('when the refresh is refused too, the user is sent back to sign-in with the reason and the tokens are gone', async () => {
      for (const t of hosted.idTokens) consoleApi.revoked.add(t);
      hosted.refreshTokens.clear();
      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('heading', { name: 'Sign in to Longwatch' }).waitFor();
      assert.match(await page.getByRole('alert').textContent(), /Your sign-in has ended/);
      const stored = await tokensIn(page);
      assert.deepEqual([stored.id, stored.refresh], [null, null]);
    });

    await check('sign-out clears the session and goes through the hosted UI\'s logout back to the console', async () => {
      await signInButton.click();
      await page.locator('header .who-email').waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signInButton.waitFor();
      assert.deepEqual(hosted.logouts.at(-1), { client_id: CLIENT_ID, logout_uri: `${CONSOLE}/` });
      const stored = await tokensIn(page);
      assert.deepEqual([stored.id, stored.refresh], [null, null]);
    });

    assert.deepEqual(strayCalls, [], 'the console called nothing else on its own origin');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } finally {
    await browser.close();
    for (const s of servers) s.server.close();
  }
  console.log(`all ${checks.length} checks passed; screenshots in ${SHOTS}`);
}

run(main);
