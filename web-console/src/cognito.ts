// Sign-in of console users with the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636, S256),
// a public client without secret. The ID token goes to the console API as `Authorization: Bearer`; its claims are
// read here for display only (the API's JWT authorizer verifies it). Tokens live in sessionStorage (Session) and
// never appear in a URL, a log line or an error message.

import type { CognitoConfig } from './config';
import type { Session } from './session';

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;
const defaultFetch: FetchFn = (i, init) => globalThis.fetch(i, init);

/** The scopes asked for: the ID token carries the e-mail and the tenant attribute (read by the app client). */
export const SCOPES = 'openid email';

/** A token this close to its `exp` counts as expired (clock skew, time in flight). */
export const EXPIRY_SKEW_MS = 30_000;

/** Why a console user is not (or no longer) signed in: shown on the sign-in page. */
export class SignInError extends Error {
  constructor(readonly title: string, readonly detail: string) {
    super(`${title}: ${detail}`);
    this.name = 'SignInError';
  }
}

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
export function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A random string of `bytes` random bytes, base64url: 32 bytes give a 43-character PKCE verifier (RFC 7636 §4.1). */
export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The hosted UI's authorize endpoint with every parameter of the code flow with PKCE. */
export function authorizeUrl(cfg: CognitoConfig, state: string, challenge: string): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${cfg.signInUrl}/oauth2/authorize?${q.toString()}`;
}

/** Where *Sign out* goes: the hosted UI's logout endpoint, back to the console (an allowed sign-out URL). */
export function logoutUrl(cfg: CognitoConfig): string {
  return `${cfg.signInUrl}/logout?${new URLSearchParams({ client_id: cfg.clientId, logout_uri: cfg.redirectUri }).toString()}`;
}

/** Starts a sign-in: a fresh state and verifier kept in the session, then the browser goes to the hosted UI. */
export async function startSignIn(cfg: CognitoConfig, session: Session, go: (url: string) => void = (u) => location.assign(u)): Promise<void> {
  const state = randomString(16);
  const verifier = randomString(32);
  session.pendingSignIn = { state, verifier };
  go(authorizeUrl(cfg, state, await pkceChallenge(verifier)));
}

const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];

/** True when the page's query is the hosted UI's answer (`?code=&state=` or `?error=`). */
export function isCallback(search: string): boolean {
  const q = new URLSearchParams(search);
  return (q.has('code') && q.has('state')) || q.has('error');
}

/** The URL without the hosted UI's answer in its query (other parameters and the hash kept), for history.replaceState. */
export function withoutCallback(href: string): string {
  const u = new URL(href);
  for (const p of CALLBACK_PARAMS) u.searchParams.delete(p);
  return u.pathname + (u.searchParams.toString() ? `?${u.searchParams.toString()}` : '') + u.hash;
}

interface TokenAnswer {
  id_token?: unknown;
  refresh_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** A POST to the token endpoint, form-encoded; the answer's tokens, or a SignInError (never naming a token). */
async function tokenRequest(cfg: CognitoConfig, form: Record<string, string>, fetchFn: FetchFn): Promise<{ idToken: string; refreshToken: string | null }> {
  let res: Response;
  try {
    res = await fetchFn(`${cfg.signInUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (e) {
    throw new SignInError('Cannot reach the sign-in service', `${cfg.signInUrl} did not answer (${(e as Error).message}).`);
  }
  let body: TokenAnswer = {};
  try {
    body = (await res.json()) as TokenAnswer;
  } catch {
    // not JSON: the status says it
  }
  if (!res.ok || typeof body.id_token !== 'string' || !body.id_token) {
    const code = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    const why = typeof body.error_description === 'string' && body.error_description ? `: ${body.error_description}` : '';
    throw new SignInError('Sign-in failed', `The sign-in service refused to issue tokens (${code}${why}). Sign in again.`);
  }
  return { idToken: body.id_token, refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null };
}

/**
 * Finishes a sign-in when the hosted UI sent the browser back with `search` (`?code=&state=` or `?error=`): an
 * error redirect is refused with its description; the state must be the pending sign-in's (else nothing is
 * exchanged); the code is exchanged with the verifier and the tokens kept. The pending sign-in is used once.
 * Returns null when there was no answer in `search`, else whether the user is signed in (or why not).
 */
export async function completeSignIn(cfg: CognitoConfig, session: Session, search: string, fetchFn: FetchFn = defaultFetch): Promise<{ error: SignInError | null } | null> {
  if (!isCallback(search)) return null;
  const q = new URLSearchParams(search);
  const pending = session.takePendingSignIn();
  const error = q.get('error');
  if (error) {
    return { error: new SignInError(`Sign-in failed (${error})`, q.get('error_description') || 'The sign-in service did not sign you in.') };
  }
  if (!pending || pending.state !== q.get('state')) {
    return { error: new SignInError('Sign-in refused', 'The answer of the sign-in service does not belong to a sign-in started in this tab (its state does not match). Sign in again.') };
  }
  try {
    const tokens = await tokenRequest(cfg, {
      grant_type: 'authorization_code',
      client_id: cfg.clientId,
      code: q.get('code')!,
      redirect_uri: cfg.redirectUri,
      code_verifier: pending.verifier,
    }, fetchFn);
    session.signInUser(tokens);
    return { error: null };
  } catch (e) {
    return { error: e instanceof SignInError ? e : new SignInError('Sign-in failed', String(e)) };
  }
}

/** The claims of a JWT, decoded and not verified (the API verifies it); null when it is not a JWT. */
export function decodeClaims(jwt: string): Record<string, unknown> | null {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1])));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** Who is signed in, from the ID token: e-mail, tenant (the configured claim) and expiry (epoch ms). */
export interface ConsoleUser {
  email: string | null;
  tenant: string | null;
  expiresAt: number | null;
}

export function userOf(idToken: string, tenantClaim: string): ConsoleUser | null {
  const c = decodeClaims(idToken);
  if (!c) return null;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    email: str(c.email) ?? str(c['cognito:username']),
    tenant: str(c[tenantClaim]),
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : null,
  };
}

export interface UserAuthOptions {
  fetchFn?: FetchFn;
  now?: () => number;
  /** The session could not be renewed: called once; the console then shows sign-in with this error. */
  onExpired: (e: SignInError) => void;
}

/**
 * A console user's requests to the console API: each carries the current ID token as `Authorization: Bearer`.
 * An expired token (its `exp`) or a 401 is answered by one refresh at the token endpoint (`grant_type=refresh_token`)
 * and, after a 401, one retry; when that does not help the user is sent back to sign-in (`onExpired`).
 * Concurrent requests share one refresh.
 */
export class UserAuth {
  private readonly fetchFn: FetchFn;
  private readonly now: () => number;
  private readonly onExpired: (e: SignInError) => void;
  private refreshing: Promise<boolean> | null = null;
  private ended = false;

  constructor(private readonly cfg: CognitoConfig, private readonly session: Session, opts: UserAuthOptions) {
    this.fetchFn = opts.fetchFn ?? defaultFetch;
    this.now = opts.now ?? (() => Date.now());
    this.onExpired = opts.onExpired;
  }

  get user(): ConsoleUser | null {
    const t = this.session.userTokens;
    return t ? userOf(t.idToken, this.cfg.tenantClaim) : null;
  }

  /** The FetchFn of the ApiClient (which then sets no Authorization header itself). */
  readonly fetch: FetchFn = async (input, init) => {
    let token = this.session.userTokens?.idToken ?? null;
    let refreshed = false;
    if (!token || this.expired(token)) {
      refreshed = true;
      token = (await this.refresh()) ? this.session.userTokens?.idToken ?? null : null;
      if (!token) return this.end();
    }
    let res = await this.send(input, init, token);
    if (res.status === 401 && !refreshed) {
      token = (await this.refresh()) ? this.session.userTokens?.idToken ?? null : null;
      if (!token) return this.end(res);
      res = await this.send(input, init, token);
    }
    return res.status === 401 ? this.end(res) : res;
  };

  /** One refresh at the token endpoint with the refresh token; false without one or when refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.session.userTokens?.refreshToken;
    if (!refreshToken) return false;
    try {
      const t = await tokenRequest(this.cfg, { grant_type: 'refresh_token', client_id: this.cfg.clientId, refresh_token: refreshToken }, this.fetchFn);
      this.session.signInUser(t);
      return true;
    } catch {
      return false;
    }
  }

  private expired(idToken: string): boolean {
    const exp = userOf(idToken, this.cfg.tenantClaim)?.expiresAt;
    return exp !== null && exp !== undefined && exp - EXPIRY_SKEW_MS <= this.now();
  }

  private send(input: string, init: RequestInit | undefined, idToken: string): Promise<Response> {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${idToken}`);
    return this.fetchFn(input, { ...init, headers });
  }

  private end(res?: Response): Response {
    if (!this.ended) {
      this.ended = true;
      const err = new SignInError('Your sign-in has ended', 'Your session expired and could not be renewed. Sign in again with your Longwatch account.');
      queueMicrotask(() => this.onExpired(err));
    }
    return res ?? new Response(JSON.stringify({ status: 401, error: 'Unauthorized', reason: 'the sign-in has ended' }),
      { status: 401, headers: { 'Content-Type': 'application/json' } });
  }
}
