// Hash routes: #/explore?metric=...  The part after '?' holds the page's state, so a URL can be shared.

export interface Route {
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)) || '/';
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

export function formatHash(path: string, params?: URLSearchParams): string {
  const s = params?.toString() ?? '';
  return `#${path}${s ? `?${s}` : ''}`;
}
