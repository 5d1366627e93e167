import './styles.css';
import { ApiClient, ApiError, toApiError } from './api/client';
import { Session } from './session';
import { loadConfig } from './config';
import { completeSignIn, isCallback, logoutUrl, startSignIn, UserAuth, withoutCallback } from './cognito';
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

/**
 * Where the API is and how to sign in come from `config.json` beside index.html (config.ts): without it the API is
 * this origin (local-dev serves both) and the console signs in with API keys; with Cognito settings (AWS) it also
 * signs in console users at the hosted UI and then calls the console API with their ID token.
 */
async function start(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  const cognito = config.cognito;
  const session = new Session();
  let current: Page | null = null;
  let generation = 0;
  let callbackError: unknown;

  if (cognito && isCallback(location.search)) {
    // Back from the hosted UI: exchange the code (or take its error), then drop code and state from the URL.
    const result = await completeSignIn(cognito, session, location.search);
    history.replaceState(null, '', withoutCallback(location.href));
    callbackError = result?.error ?? undefined;
  }
  const userSignIn = cognito ? { start: () => startSignIn(cognito, session) } : undefined;

  const render = (reason?: unknown): void => {
    current?.destroy?.();
    current = null;
    const gen = ++generation;
    const key = session.apiKey;
    const tokens = cognito ? session.userTokens : null;
    if (!key && !tokens) {
      const why = reason ?? callbackError;
      callbackError = undefined;
      clear(root, h('main', { id: 'main' }, signInPage(config.apiUrl, (k) => {
        session.signIn(k);
        if (parseHash(location.hash).path === '/') location.hash = '#/explore'; // hashchange renders
        else render();
      }, why, userSignIn)));
      focusHeading(root);
      return;
    }
    const route = parseHash(location.hash);
    if (route.path === '/') {
      location.replace(formatHash('/explore'));
      return;
    }
    let api: ApiClient;
    let who: HTMLElement | null = null;
    let signOut = (): void => { session.signOut(); render(); };
    if (key) {
      let expired = false;
      api = new ApiClient(config.apiUrl, key, async (input, init) => {
        const res = await fetch(input, init);
        if (res.status === 401 && !expired && session.apiKey === key) {
          expired = true;
          // A key that stopped working (revoked, or a restarted local-dev with a new key): back to sign-in.
          const err = await toApiError(res.clone());
          queueMicrotask(() => { session.signOut(); render(err); });
        }
        return res;
      });
    } else {
      // A console user (Cognito): the console API with the ID token, renewed once when it expires or is refused.
      const cfg = cognito!;
      const auth = new UserAuth(cfg, session, {
        onExpired: (err) => {
          if (gen !== generation) return;
          session.signOut();
          render(err);
        },
      });
      api = new ApiClient(cfg.consoleApiUrl, null, auth.fetch);
      const user = auth.user;
      who = h('span', { class: 'who', title: 'Signed in with your Longwatch account' },
        h('span', { class: 'who-email' }, user?.email ?? 'signed in'),
        user?.tenant ? h('span', { class: 'who-tenant' }, ' · tenant ', h('strong', {}, user.tenant)) : null);
      signOut = () => { session.signOut(); location.assign(logoutUrl(cfg)); };
    }
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
        who,
        h('button', { type: 'button', class: 'link signout', onclick: () => signOut() }, 'Sign out')),
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
