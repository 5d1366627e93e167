import type { ApiClient } from '../api/client';
import type { Session } from '../session';

export interface PageContext {
  api: ApiClient;
  session: Session;
  params: URLSearchParams;
  /** Rewrites the current route's state in the URL without re-rendering (for shareable state). */
  replaceParams(params: URLSearchParams): void;
  navigate(hash: string): void;
}

export interface Page {
  el: HTMLElement;
  destroy?(): void;
}
