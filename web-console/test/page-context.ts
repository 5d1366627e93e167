import { ApiClient } from '../src/api/client';
import { Session, type SessionStore } from '../src/session';
import type { PageContext } from '../src/pages/page';

/** A session store in memory (the browser's is localStorage). */
export class MemoryStore implements SessionStore {
  private m = new Map<string, string>();
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.m.set(k, v); }
  removeItem(k: string) { this.m.delete(k); }
}

/** The fake API: status and JSON answer for a method, URL and parsed request body. */
export type Route = (method: string, url: string, body: unknown) => [number, unknown];

/**
 * A page context whose API answers through {@code route}; {@code calls} records each request as
 * ["METHOD url", parsed body]. A 204 answer has no body, as fetch requires.
 */
export function ctxWith(route: Route, params = ''): { ctx: PageContext; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const api = new ApiClient('', 'lw_k_s', async (url, init) => {
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(init.body as string) : undefined;
    calls.push([`${method} ${url}`, body]);
    const [status, answer] = route(method, url, body);
    return status === 204 ? new Response(null, { status })
      : new Response(JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } });
  });
  const ctx: PageContext = { api, session: new Session(new MemoryStore()), params: new URLSearchParams(params),
    replaceParams: () => {}, navigate: () => {} };
  return { ctx, calls };
}
