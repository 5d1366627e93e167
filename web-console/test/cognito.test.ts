import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeUrl, base64url, completeSignIn, decodeClaims, isCallback, logoutUrl, pkceChallenge, randomString, SignInError,
  startSignIn, UserAuth, userOf, withoutCallback,
} from '../src/cognito';
import { loadConfig, parseConfig, type CognitoConfig } from '../src/config';
import { ApiClient } from '../src/api/client';
import { Session } from '../src/session';
import { signInPage } from '../src/pages/signin';
import { MemoryStore } from './page-context';

const cfg: CognitoConfig = {
  consoleApiUrl: 'https://console-api.example.test', signInUrl: 'https://lw-dev.auth.eu-west-1.amazoncognito.com',
  clientId: 'client123', redirectUri: 'https://console.example.test/', tenantClaim: 'custom:tenant',
  region: 'eu-west-1', userPoolId: 'eu-west-1_AbC',
};
const TOKEN_URL = 'https://lw-dev.auth.eu-west-1.amazoncognito.com/oauth2/token';
const NOW = Date.parse('2026-11-22T08:00:00Z');

/** An unsigned JWT with these claims (the console decodes, the API verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}.c2lnbmF0dXJl`;
}
const idToken = (n: number, expInSec = 3600) => jwt({ sub: `u${n}`, email: 'alice@example.com', 'custom:tenant': 'acme', exp: (NOW / 1000) + expInSec, n });

interface Call { url: string; method: string; headers: Headers; body: string | undefined }

/** A fake fetch answering by URL; records every request. Stands in for Cognito and the console API (not reachable here). */
function fakeFetch(answer: (url: string, call: Call) => Response) {
  const calls: Call[] = [];
  const fn = async (url: string, init?: RequestInit) => {
    const call = { url, method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body as string | undefined };
    calls.push(call);
    return answer(url, call);
  };
  return { fn, calls };
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const form = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body ?? ''));
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  document.body.replaceChildren();
});

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B from its verifier', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, different each time', () => {
    const a = randomString(32);
    const b = randomString(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});

describe('authorize and logout URLs', () => {
  it('sends the hosted UI every parameter of the code flow with PKCE', () => {
    const u = new URL(authorizeUrl(cfg, 'st4te', 'ch4llenge'));
    expect(u.origin + u.pathname).toBe('https://lw-dev.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      response_type: 'code', client_id: 'client123', redirect_uri: 'https://console.example.test/', scope: 'openid email',
      state: 'st4te', code_challenge: 'ch4llenge', code_challenge_method: 'S256',
    });
  });

  it('signs out at the logout endpoint with the client and the console as logout_uri', () => {
    const u = new URL(logoutUrl(cfg));
    expect(u.origin + u.pathname).toBe('https://lw-dev.auth.eu-west-1.amazoncognito.com/logout');
    expect(Object.fromEntries(u.searchParams)).toEqual({ client_id: 'client123', logout_uri: 'https://console.example.test/' });
  });

  it('starts a sign-in with a kept state and a challenge of the kept verifier', async () => {
    const session = new Session(new MemoryStore());
    let went = '';
    await startSignIn(cfg, session, (url) => { went = url; });
    const q = new URL(went).searchParams;
    const pending = session.takePendingSignIn()!;
    expect(q.get('state')).toBe(pending.state);
    expect(q.get('code_challenge')).toBe(await pkceChallenge(pending.verifier));
    expect(went).not.toContain(pending.verifier);
  });
});

describe('the return from the hosted UI', () => {
  async function pendingSession(): Promise<Session> {
    const session = new Session(new MemoryStore());
    session.pendingSignIn = { state: 'good-state', verifier: 'the-verifier-0123456789012345678901234567890' };
    return session;
  }

  it('exchanges the code at the token endpoint with exactly the form of the code grant', async () => {
    const session = await pendingSession();
    const { fn, calls } = fakeFetch(() => json(200, { id_token: idToken(1), access_token: 'at', refresh_token: 'rt1', expires_in: 3600, token_type: 'Bearer' }));
    const result = await completeSignIn(cfg, session, '?code=the-code&state=good-state', fn);
    expect(result).toEqual({ error: null });
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c.url).toBe(TOKEN_URL);
    expect(c.method).toBe('POST');
    expect(c.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(c.headers.has('Authorization')).toBe(false);
    expect(form(c.body)).toEqual({
      grant_type: 'authorization_code', client_id: 'client123', code: 'the-code',
      redirect_uri: 'https://console.example.test/', code_verifier: 'the-verifier-0123456789012345678901234567890',
    });
    expect(session.userTokens).toEqual({ idToken: idToken(1), refreshToken: 'rt1' });
  });

  it('refuses an answer whose state is not the pending one and exchanges nothing', async () => {
    const session = await pendingSession();
    const { fn, calls } = fakeFetch(() => json(200, { id_token: idToken(1) }));
    const result = await completeSignIn(cfg, session, '?code=stolen-code&state=other-state', fn);
    expect(result!.error).toBeInstanceOf(SignInError);
    expect(result!.error!.detail).toContain('state does not match');
    expect(calls).toHaveLength(0);
    expect(session.userTokens).toBeNull();
  });

  it('refuses a code when no sign-in was started in this tab', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { id_token: idToken(1) }));
    const result = await completeSignIn(cfg, new Session(new MemoryStore()), '?code=c&state=s', fn);
    expect(result!.error!.title).toBe('Sign-in refused');
    expect(calls).toHaveLength(0);
  });

  it('uses a state once: the same answer again is refused', async () => {
    const session = await pendingSession();
    const { fn, calls } = fakeFetch(() => json(200, { id_token: idToken(1) }));
    await completeSignIn(cfg, session, '?code=c&state=good-state', fn);
    session.signOut();
    const again = await completeSignIn(cfg, session, '?code=c&state=good-state', fn);
    expect(again!.error!.title).toBe('Sign-in refused');
    expect(calls).toHaveLength(1);
  });

  it('reports a refused code without naming the code or the verifier, and keeps no tokens', async () => {
    const session = await pendingSession();
    const { fn } = fakeFetch(() => json(400, { error: 'invalid_grant' }));
    const result = await completeSignIn(cfg, session, '?code=the-code&state=good-state', fn);
    expect(result!.error!.message).toContain('invalid_grant');
    expect(result!.error!.message).not.toContain('the-code');
    expect(result!.error!.message).not.toContain('the-verifier');
    expect(session.userTokens).toBeNull();
  });

  it('turns an error redirect into its description, exchanging nothing', async () => {
    const session = await pendingSession();
    const { fn, calls } = fakeFetch(() => json(200, {}));
    const result = await completeSignIn(cfg, session, '?error=access_denied&error_description=User+is+disabled.&state=good-state', fn);
    expect(result!.error!.title).toBe('Sign-in failed (access_denied)');
    expect(result!.error!.detail).toBe('User is disabled.');
    expect(calls).toHaveLength(0);
    expect(session.takePendingSignIn()).toBeNull();
  });

  it('is not a return without code and state or error', async () => {
    expect(isCallback('')).toBe(false);
    expect(isCallback('?code=c')).toBe(false);
    expect(await completeSignIn(cfg, new Session(new MemoryStore()), '?metric=x', fakeFetch(() => json(200, {})).fn)).toBeNull();
  });

  it('drops code, state and errors from the URL, keeping the rest', () => {
    expect(withoutCallback('https://c.example/?code=abc&state=xyz#/alerts')).toBe('/#/alerts');
    expect(withoutCallback('https://c.example/app/?x=1&error=access_denied&error_description=no')).toBe('/app/?x=1');
  });

  it('keeps tokens in sessionStorage, never in localStorage', async () => {
    const session = new Session(); // the browser's sessionStorage
    session.pendingSignIn = { state: 's1', verifier: 'v'.repeat(43) };
    const { fn } = fakeFetch((url) => url === TOKEN_URL
      ? json(200, { id_token: idToken(1, -60), refresh_token: 'rt-secret' })
      : json(200, { metrics: [] }));
    await completeSignIn(cfg, session, '?code=c&state=s1', fn);
    await new ApiClient(cfg.consoleApiUrl, null, new UserAuth(cfg, session, { fetchFn: fn, now: () => NOW, onExpired: () => {} }).fetch).listMetrics();
    expect(sessionStorage.getItem('longwatch.idToken')).toBeTruthy();
    expect(sessionStorage.getItem('longwatch.refreshToken')).toBe('rt-secret');
    expect(localStorage.length).toBe(0);
  });
});

describe('the ID token', () => {
  it('gives the e-mail, the tenant claim and the expiry, decoded without verifying', () => {
    const t = jwt({ email: 'zoë@example.com', 'custom:tenant': 'acme', exp: 1_800_000_000 });
    expect(userOf(t, 'custom:tenant')).toEqual({ email: 'zoë@example.com', tenant: 'acme', expiresAt: 1_800_000_000_000 });
    expect(decodeClaims('not-a-jwt')).toBeNull();
  });
});

describe('requests of a console user', () => {
  function signedIn(tokens = { idToken: idToken(1), refreshToken: 'rt1' as string | null }) {
    const session = new Session(new MemoryStore());
    session.signInUser(tokens);
    return session;
  }

  function setup(session: Session, answer: (url: string, call: Call) => Response) {
    const { fn, calls } = fakeFetch(answer);
    const expired: SignInError[] = [];
    const auth = new UserAuth(cfg, session, { fetchFn: fn, now: () => NOW, onExpired: (e) => expired.push(e) });
    return { api: new ApiClient(cfg.consoleApiUrl, null, auth.fetch), auth, calls, expired };
  }

  it('carry the ID token as Bearer to the console API', async () => {
    const { api, calls } = setup(signedIn(), () => json(200, { metrics: [] }));
    await api.listMetrics();
    expect(calls.map((c) => c.url)).toEqual(['https://console-api.example.test/v1/metrics']);
    expect(calls[0]!.headers.get('Authorization')).toBe(`Bearer ${idToken(1)}`);
  });

  it('refresh once on a 401 with exactly the refresh grant, then retry with the new token', async () => {
    const session = signedIn();
    const { api, calls, expired } = setup(session, (url, call) => {
      if (url === TOKEN_URL) return json(200, { id_token: idToken(2), access_token: 'at2', expires_in: 3600 });
      return call.headers.get('Authorization') === `Bearer ${idToken(2)}` ? json(200, { metrics: [] }) : json(401, { message: 'Unauthorized' });
    });
    expect(await api.listMetrics()).toEqual({ metrics: [] });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET https://console-api.example.test/v1/metrics', `POST ${TOKEN_URL}`, 'GET https://console-api.example.test/v1/metrics']);
    expect(calls[1]!.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(form(calls[1]!.body)).toEqual({ grant_type: 'refresh_token', client_id: 'client123', refresh_token: 'rt1' });
    expect(session.userTokens).toEqual({ idToken: idToken(2), refreshToken: 'rt1' });
    expect(expired).toHaveLength(0);
  });

  it('send the user to sign-in when the API still answers 401 after one refresh', async () => {
    const { api, calls, expired } = setup(signedIn(), (url) => url === TOKEN_URL ? json(200, { id_token: idToken(2) }) : json(401, { message: 'Unauthorized' }));
    await expect(api.listMetrics()).rejects.toMatchObject({ status: 401 });
    await settle();
    expect(calls.filter((c) => c.url === TOKEN_URL)).toHaveLength(1);
    expect(calls).toHaveLength(3);
    expect(expired).toHaveLength(1);
    expect(expired[0]!.detail).toContain('Sign in again');
  });

  it('send the user to sign-in when the refresh is refused, without retrying', async () => {
    const { api, calls, expired } = setup(signedIn(), (url) => url === TOKEN_URL ? json(400, { error: 'invalid_grant' }) : json(401, { message: 'Unauthorized' }));
    await expect(api.listMetrics()).rejects.toMatchObject({ status: 401 });
    await settle();
    expect(calls.map((c) => c.url)).toEqual(['https://console-api.example.test/v1/metrics', TOKEN_URL]);
    expect(expired).toHaveLength(1);
  });

  it('renew an expired token before sending, not after a refusal', async () => {
    const { api, calls } = setup(signedIn({ idToken: idToken(1, -1), refreshToken: 'rt1' }),
      (url) => url === TOKEN_URL ? json(200, { id_token: idToken(2), refresh_token: 'rt2' }) : json(200, { metrics: [] }));
    await api.listMetrics();
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, 'https://console-api.example.test/v1/metrics']);
    expect(calls[1]!.headers.get('Authorization')).toBe(`Bearer ${idToken(2)}`);
  });

  it('send the user to sign-in when the token expired and there is no refresh token, calling nothing', async () => {
    const { api, calls, expired } = setup(signedIn({ idToken: idToken(1, -1), refreshToken: null }), () => json(200, { metrics: [] }));
    await expect(api.listMetrics()).rejects.toMatchObject({ status: 401 });
    await settle();
    expect(calls).toHaveLength(0);
    expect(expired).toHaveLength(1);
  });

  it('share one refresh between concurrent requests', async () => {
    const { api, calls } = setup(signedIn({ idToken: idToken(1, -1), refreshToken: 'rt1' }),
      (url) => url === TOKEN_URL ? json(200, { id_token: idToken(2) }) : json(200, { monitors: [] }));
    await Promise.all([api.listMonitors(), api.listMonitors(), api.listMonitors()]);
    expect(calls.filter((c) => c.url === TOKEN_URL)).toHaveLength(1);
  });
});

describe('config.json', () => {
  it('offers Cognito sign-in only with all of its settings', () => {
    expect(parseConfig({ apiUrl: 'https://api.example.test/' })).toEqual({ apiUrl: 'https://api.example.test/', cognito: null });
    expect(parseConfig({ apiUrl: 'https://a/', consoleApiUrl: 'https://c/', signInUrl: 'https://s/' }).cognito).toBeNull();
    expect(parseConfig({
      apiUrl: 'https://a/', consoleApiUrl: 'https://c/', region: 'eu-west-1', userPoolId: 'eu-west-1_AbC', userPoolClientId: 'cid',
      signInUrl: 'https://lw.auth.eu-west-1.amazoncognito.com/', redirectUri: 'https://d1.cloudfront.net/', tenantClaim: 'custom:tenant',
    }).cognito).toEqual({
      consoleApiUrl: 'https://c/', signInUrl: 'https://lw.auth.eu-west-1.amazoncognito.com', clientId: 'cid',
      redirectUri: 'https://d1.cloudfront.net/', tenantClaim: 'custom:tenant', region: 'eu-west-1', userPoolId: 'eu-west-1_AbC',
    });
  });

  it('without a config.json, calls this origin with API keys only', async () => {
    expect(await loadConfig(async () => new Response('not found', { status: 404 }))).toEqual({ apiUrl: '', cognito: null });
  });
});

describe('sign-in page with Cognito', () => {
  it('is the API key form alone without Cognito settings', () => {
    const el = signInPage('', () => {});
    expect(el.querySelector('.signin-user')).toBeNull();
    expect(el.querySelectorAll('button')).toHaveLength(1);
    expect(el.textContent).toContain('local-dev prints one');
  });

  it('offers the Longwatch account besides the API key and starts its sign-in', async () => {
    let started = 0;
    const el = signInPage('', () => {}, undefined, { start: async () => { started += 1; } });
    const button = el.querySelector<HTMLButtonElement>('button.signin-user')!;
    expect(button.textContent).toBe('Sign in with your Longwatch account');
    expect(el.querySelector('input[type=password]')).not.toBeNull();
    button.click();
    await settle();
    expect(started).toBe(1);
  });

  it('shows the error the hosted UI sent back', () => {
    const el = signInPage('', () => {}, new SignInError('Sign-in failed (access_denied)', 'User is disabled.'), { start: async () => {} });
    const alert = el.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('Sign-in failed (access_denied)');
    expect(alert.textContent).toContain('User is disabled.');
  });
});

describe('session', () => {
  it('forgets the tokens and the pending sign-in on sign-out', () => {
    const s = new Session(new MemoryStore());
    s.pendingSignIn = { state: 's', verifier: 'v' };
    s.signInUser({ idToken: 'id', refreshToken: 'rt' });
    s.signOut();
    expect(s.userTokens).toBeNull();
    expect(s.takePendingSignIn()).toBeNull();
  });

  it('holds one credential: an API key replaces a user, a user replaces a key', () => {
    const s = new Session(new MemoryStore());
    s.signInUser({ idToken: 'id', refreshToken: 'rt' });
    s.signIn('lw_k_s');
    expect(s.userTokens).toBeNull();
    s.signInUser({ idToken: 'id2', refreshToken: null });
    expect(s.apiKey).toBeNull();
  });
});

describe('API client without a key', () => {
  it('sets no Authorization header of its own', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { metrics: [] }));
    await new ApiClient('https://c.example', null, fn).listMetrics();
    expect(calls[0]!.headers.has('Authorization')).toBe(false);
  });
});
