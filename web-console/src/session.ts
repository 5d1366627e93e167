// The API key lives in sessionStorage only (gone when the tab closes); it is never logged.

const KEY = 'longwatch.apiKey';
const WHO = 'longwatch.actor';

export interface SessionStore {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
}

export class Session {
  constructor(private readonly store: SessionStore = sessionStorage) {}

  get apiKey(): string | null {
    const k = this.store.getItem(KEY);
    return k && k.trim() ? k : null;
  }

  signIn(key: string): void {
    this.store.setItem(KEY, key.trim());
  }

  signOut(): void {
    this.store.removeItem(KEY);
  }

  /** Who acknowledges or resolves alerts from this tab (recorded in the audit log). */
  get actor(): string {
    return this.store.getItem(WHO) || 'console';
  }

  set actor(name: string) {
    this.store.setItem(WHO, name.trim() || 'console');
  }
}
