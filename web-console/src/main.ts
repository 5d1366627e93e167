import './styles.css';
import { ApiClient, ApiError, toApiError } from './api/client';
import { Session } from './session';
import { formatHash, parseHash } from './router';
import { h, clear } from './ui/dom';
import { signInPage } from './pages/signin';
import { explorerPage } from './pages/explorer';
import { monitorsPage } from './pages/monitors';
import { monitorEditorPage } from './pages/monitor-editor';
import { alertDetailPage, alertsPage } from './pages/alerts';
import { auditPage } from './pages/audit';
import { channelsPage, silencesPage } from './pages/notify';
import { routesPage } from './pages/routes';
import { deliveriesPage } from './pages/deliveries';
import type { Page, PageContext } from './pages/page';

const NAV: [string, string][] = [['/explore', 'Explore'], ['/monitors', 'Monitors'], ['/alerts', 'Alerts'], ['/silences', 'Silences'],
  ['/channels', 'Channels'], ['/routes', 'Routes'], ['/deliveries', 'Delivery log'], ['/audit', 'Audit log']];

/**
 * Where the API is: `config.json` beside index.html may say `{"apiUrl": "https://api.example.com"}` (a
 * console hosted apart from the API); without it the API is this origin (local-dev serves both).
 */
async function apiBase(): Promise<string> {
  try {
    const res = await fetch('./config.json', { cache: 'no-store' });
    if (res.ok) {
      const cfg = (await res.json()) as { apiUrl?: unknown };
      if (typeof cfg.apiUrl === 'string') return cfg.apiUrl;
    }
  } catch {
    // no config: same origin
  }
  return '';
}

function pageFor(path: string, ctx: PageContext): Page {
  if (path === '/explore') return explorerPage(ctx);
  if (path === '/monitors') return monitorsPage(ctx);
  if (path === '/monitors/new') return monitorEditorPage(ctx, null);
  const edit = /^\/monitors\/([^/]+)$/.exec(path);
  if (edit) return monitorEditorPage(ctx, decodeURIComponent(edit[1]!));
  if (path === '/alerts') return alertsPage(ctx);
  const alert = /^\/alerts\/([^/]+)$/.exec(path);
  if (alert) return alertDetailPage(ctx, decodeURIComponent(alert[1]!));
  if (path === '/audit') return auditPage(ctx);
  if (path === '/silences') return silencesPage(ctx);
  if (path === '/channels') return channelsPage(ctx);
  if (path === '/routes') return routesPage(ctx);
  if (path === '/deliveries') return deliveriesPage(ctx);
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'No page here. '), h('a', { href: '#/explore' }, 'Go to the explorer')) };
}

async function start(root: HTMLElement): Promise<void> {
  const base = await apiBase();
  const session = new Session();
  let current: Page | null = null;

  const render = (reason?: unknown): void => {
    current?.destroy?.();
    current = null;
    const key = session.apiKey;
    if (!key) {
      clear(root, h('main', { id: 'main' }, signInPage(base, (k) => {
        session.signIn(k);
        if (parseHash(location.hash).path === '/') location.hash = '#/explore'; // hashchange renders
        else render();
      }, reason)));
      focusHeading(root);
      return;
    }
    const route = parseHash(location.hash);
    if (route.path === '/') {
      location.replace(formatHash('/explore'));
      return;
    }
    let expired = false;
    const api = new ApiClient(base, key, async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 401 && !expired && session.apiKey === key) {
        expired = true;
        // A key that stopped working (revoked, or a restarted local-dev with a new key): back to sign-in.
        const err = await toApiError(res.clone());
        queueMicrotask(() => { session.signOut(); render(err); });
      }
      return res;
    });
    const ctx: PageContext = {
      api, session, params: route.params,
      replaceParams: (p) => history.replaceState(null, '', formatHash(route.path, p)),
      navigate: (hash) => { location.hash = hash; },
    };
    current = pageFor(route.path, ctx);
    const nav = h('nav', { 'aria-label': 'Main' }, h('ul', {}, NAV.map(([p, label]) => h('li', {},
      h('a', { href: `#${p}`, 'aria-current': route.path === p || route.path.startsWith(`${p}/`) ? 'page' : undefined }, label)))));
    clear(root,
      h('header', { class: 'top' },
        h('a', { class: 'brand', href: '#/explore' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◔'), 'Longwatch'),
        nav,
        h('button', { type: 'button', class: 'link signout', onclick: () => { session.signOut(); render(); } }, 'Sign out')),
      h('main', { id: 'main' }, current.el));
    focusHeading(root);
  };

  window.addEventListener('hashchange', () => render());
  render();
}

function focusHeading(root: HTMLElement): void {
  const h1 = root.querySelector<HTMLElement>('h1');
  h1?.focus({ preventScroll: true });
}

const root = document.getElementById('app');
if (root) {
  start(root).catch((e: unknown) => {
    root.textContent = e instanceof ApiError ? e.message : 'The console failed to start.';
  });
}
