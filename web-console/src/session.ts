// The API key, a console user's Cognito tokens and a pending sign-in live in sessionStorage only (gone when the
// tab closes; never localStorage); none of them is ever logged.

const KEY = 'longwatch.apiKey';
const WHO = 'longwatch.actor';
const ID_TOKEN = 'longwatch.idToken';
const REFRESH_TOKEN = 'longwatch.refreshToken';
const PENDING = 'longwatch.pendingSignIn';

export interface SessionStore {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
}

/** A console user's tokens from the Cognito token endpoint. */
export interface UserTokens {
  idToken: string;
  refreshToken: string | null;
}

/** The sign-in started at the hosted UI: its `state` and the PKCE code verifier, until the browser comes back. */
export interface PendingSignIn {
  state: string;
  verifier: string;
}

export class Session {
  constructor(private readonly store: SessionStore = sessionStorage) {}

  get apiKey(): string | null {
    const k = this.store.getItem(KEY);
    return k && k.trim() ? k : null;
  }

  /** Signs in with an API key (a console user's tokens are forgotten: one credential at a time). */
  signIn(key: string): void {
    this.store.removeItem(ID_TOKEN);
    this.store.removeItem(REFRESH_TOKEN);
    this.store.setItem(KEY, key.trim());
  }

  /** Forgets the API key, the user's tokens and any pending sign-in. */
  signOut(): void {
    this.store.removeItem(KEY);
    this.store.removeItem(ID_TOKEN);
    this.store.removeItem(REFRESH_TOKEN);
    this.store.removeItem(PENDING);
  }

  /** The signed-in console user's tokens (Cognito), if any. */
  get userTokens(): UserTokens | null {
    const idToken = this.store.getItem(ID_TOKEN);
    return idToken ? { idToken, refreshToken: this.store.getItem(REFRESH_TOKEN) } : null;
  }

  /** Keeps the user's tokens; a refresh that gives no new refresh token keeps the one held. */
  signInUser(tokens: { idToken: string; refreshToken?: string | null }): void {
    this.store.removeItem(KEY);
    this.store.setItem(ID_TOKEN, tokens.idToken);
    if (tokens.refreshToken) this.store.setItem(REFRESH_TOKEN, tokens.refreshToken);
  }

  /** Remembers a sign-in sent to the hosted UI (one at a time: a new one replaces it). */
  set pendingSignIn(p: PendingSignIn) {
    this.store.setItem(PENDING, JSON.stringify(p));
  }

  /** Reads and forgets the pending sign-in: a state and verifier are used once. */
  takePendingSignIn(): PendingSignIn | null {
    const raw = this.store.getItem(PENDING);
    this.store.removeItem(PENDING);
    if (!raw) return null;
    try {
      const p = JSON.parse(raw) as Partial<PendingSignIn>;
      return typeof p.state === 'string' && typeof p.verifier === 'string' ? { state: p.state, verifier: p.verifier } : null;
    } catch {
      return null;
    }
  }

  /** Who acknowledges or resolves alerts from this tab (recorded in the audit log). */
  get actor(): string {
    return this.store.getItem(WHO) || 'console';
  }

  set actor(name: string) {
    this.store.setItem(WHO, name.trim() || 'console');
  }
}
