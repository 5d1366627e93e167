import { beforeEach, describe, expect, it } from 'vitest';
import { newRouteForm, routeInput, routesPage, routeToForm, validateRouteForm } from '../src/pages/routes';
import { ctxWith } from './page-context';
import type { Channel, Route } from '../src/api/notify';

const settle = async () => { for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0)); };
const channel = (id: string, name: string, type: Channel['type'] = 'webhook'): Channel => ({ id, name, type, config: {},
  secrets: ['url'], createdAt: '2026-11-21T12:00:00Z', updatedAt: '2026-11-21T12:00:00Z' });
const opsHook = channel('ch_1', 'ops-hook');
const payments = channel('ch_2', 'payments-slack', 'slack');
const paymentsRoute: Route = { id: 'rt_1', name: 'payments', order: 10, matchers: ['team=payments'], channels: ['ch_2'], groupBy: ['monitor', 'service'],
  groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', continue: true, default: false, createdAt: '2026-11-21T12:00:00Z' };

function type(el: HTMLElement, name: string, value: string): void {
  const input = el.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

function tick(el: HTMLElement, selector: string): void {
  (el.querySelector(selector) as HTMLInputElement).click();
}

function submit(el: HTMLElement): void {
  (el.querySelector('form.editor') as HTMLFormElement).requestSubmit();
}

/** A fake API keeping routes in a list: POST adds, PUT replaces, DELETE removes. */
function routesApi(initial: Route[], channels: Channel[] = [opsHook, payments]) {
  let routes = [...initial];
  let n = initial.length;
  return ctxWith((m, url, body) => {
    if (url.startsWith('/v1/channels')) return [200, { channels }];
    const id = decodeURIComponent(url.split('/')[3] ?? '');
    const stored = (b: object, rid: string): Route => ({ ...paymentsRoute, matchers: [], continue: false, default: false, ...b, id: rid });
    if (m === 'POST') { n += 1; const r = stored(body as object, `rt_${n + 1}`); routes = [...routes, r]; return [201, r]; }
    if (m === 'PUT') { const r = stored(body as object, id); routes = routes.map((x) => (x.id === id ? r : x)); return [200, r]; }
    if (m === 'DELETE') { routes = routes.filter((x) => x.id !== id); return [204, null]; }
    return [200, { routes }];
  });
}

beforeEach(() => { document.body.replaceChildren(); });

describe('the route form', () => {
  it('sends matchers one per line, group-by labels split on commas and spaces, and leaves empty timers and order to the server', () => {
    expect(routeInput({ ...newRouteForm(), name: ' payments ', order: ' ', matchers: ' team=payments \n\nseverity=~critical|warning',
      channels: ['ch_2'], groupBy: 'monitor, service  host', groupWait: '', groupInterval: ' 10m ', continue: true }))
      .toEqual({ name: 'payments', matchers: ['team=payments', 'severity=~critical|warning'], channels: ['ch_2'],
        groupBy: ['monitor', 'service', 'host'], groupInterval: '10m', repeatInterval: '4h', continue: true, default: false });
  });

  it('sends an empty group-by as no labels: one group for all the route\'s alerts', () => {
    expect(routeInput({ ...newRouteForm(), name: 'all', channels: ['ch_1'], groupBy: ' ' }).groupBy).toEqual([]);
  });

  it('gives back what it was filled with from a stored route', () => {
    expect(routeInput(routeToForm(paymentsRoute))).toEqual({ name: 'payments', order: 10, matchers: ['team=payments'], channels: ['ch_2'],
      groupBy: ['monitor', 'service'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', continue: true, default: false });
  });

  it('refuses an order that is not a whole number before sending', () => {
    expect(validateRouteForm({ ...newRouteForm(), order: '1.5' })).toEqual([{ field: 'order', reason: 'must be a whole number' }]);
    expect(validateRouteForm({ ...newRouteForm(), order: '-20' })).toEqual([]);
  });
});

describe('the routes page', () => {
  it('lists the routes with their channels by name and their grouping, never a channel secret', async () => {
    const { ctx, calls } = routesApi([paymentsRoute, { ...paymentsRoute, id: 'rt_2', name: 'fallback', order: 100, matchers: [],
      channels: ['ch_1', 'ch_gone'], groupBy: [], continue: false, default: true }]);
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(calls.map(([c]) => c).sort()).toEqual(['GET /v1/channels', 'GET /v1/routes']);
    const row = page.el.querySelector('tr[data-id=rt_1]')!;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['10', 'payments', 'team=payments', 'payments-slack (slack)',
      'monitorservice', 'wait 30s · interval 5m · repeat 4h', 'continue', 'EditDelete']);
    const fallback = page.el.querySelector('tr[data-id=rt_2]')!;
    expect(fallback.textContent).toContain('what no other route matched');
    expect(fallback.textContent).toContain('one group');
    expect(fallback.querySelector('[data-channel=ch_gone]')!.textContent).toBe('ch_gone (no such channel)');
    expect(fallback.querySelector('[data-channel=ch_gone]')!.classList.contains('missing')).toBe(true);
    expect([...page.el.querySelectorAll('input[name=channels]')].map((i) => (i.parentElement as HTMLElement).textContent!.trim()))
      .toEqual(['ops-hook (webhook)', 'payments-slack (slack)']);

    // Editing the route offers the missing channel too, ticked, so it can be unticked.
    (page.el.querySelector('button[aria-label="Edit route fallback"]') as HTMLButtonElement).click();
    const gone = page.el.querySelector('input[name=channels][value=ch_gone]') as HTMLInputElement;
    expect([gone.checked, gone.parentElement!.textContent!.trim()]).toEqual([true, 'ch_gone (no such channel)']);
  });

  it('creates a route with the chosen channels and timers', async () => {
    const { ctx, calls } = routesApi([]);
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.textContent).toContain('No routes: alerts go only to the channels their monitor names.');
    type(page.el, 'name', 'databases');
    type(page.el, 'order', '20');
    type(page.el, 'matchers', 'team=db\nseverity=critical');
    tick(page.el, 'input[name=channels][value=ch_1]');
    tick(page.el, 'input[name=channels][value=ch_2]');
    type(page.el, 'groupBy', 'monitor, host');
    type(page.el, 'groupWait', '1m');
    tick(page.el, 'input[name=continue]');
    submit(page.el);
    await settle();
    expect(calls.find(([c]) => c === 'POST /v1/routes')![1]).toEqual({ name: 'databases', order: 20, matchers: ['team=db', 'severity=critical'],
      channels: ['ch_1', 'ch_2'], groupBy: ['monitor', 'host'], groupWait: '1m', groupInterval: '5m', repeatInterval: '4h',
      continue: true, default: false });
    expect(page.el.querySelector('[role=status]')!.textContent).toBe('Created route databases.');
    expect(page.el.querySelector('tr[data-id=rt_2]')!.textContent).toContain('ops-hook (webhook)payments-slack (slack)');
    expect((page.el.querySelector('[name=name]') as HTMLInputElement).value).toBe(''); // the form is new again
  });

  it('edits a route with PUT, prefilled from the list, and deletes one', async () => {
    const { ctx, calls } = routesApi([paymentsRoute]);
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    (page.el.querySelector('button[aria-label="Edit route payments"]') as HTMLButtonElement).click();
    expect(page.el.querySelector('form.editor h2')!.textContent).toBe('Edit route payments');
    expect((page.el.querySelector('[name=matchers]') as HTMLTextAreaElement).value).toBe('team=payments');
    expect((page.el.querySelector('input[name=channels][value=ch_2]') as HTMLInputElement).checked).toBe(true);
    expect((page.el.querySelector('[name=continue]') as HTMLInputElement).checked).toBe(true);
    type(page.el, 'repeatInterval', '12h');
    tick(page.el, 'input[name=channels][value=ch_1]');
    submit(page.el);
    await settle();
    expect(calls.find(([c]) => c === 'PUT /v1/routes/rt_1')![1]).toEqual({ name: 'payments', order: 10, matchers: ['team=payments'],
      channels: ['ch_2', 'ch_1'], groupBy: ['monitor', 'service'], groupWait: '30s', groupInterval: '5m', repeatInterval: '12h',
      continue: true, default: false });
    expect(calls.some(([c]) => c === 'POST /v1/routes')).toBe(false);
    expect(page.el.querySelector('tr[data-id=rt_1]')!.textContent).toContain('repeat 12h');
    expect(page.el.querySelector('form.editor h2')!.textContent).toBe('New route');

    (page.el.querySelector('button[aria-label="Delete route payments"]') as HTMLButtonElement).click();
    await settle();
    expect(calls.map(([c]) => c)).toContain('DELETE /v1/routes/rt_1');
    expect(page.el.querySelector('tr[data-id=rt_1]')).toBeNull();
  });

  it('shows the API\'s refusal next to the field it names, an item of a list next to its list', async () => {
    const { ctx } = ctxWith((m, url) => {
      if (url.startsWith('/v1/channels')) return [200, { channels: [opsHook] }];
      if (m === 'POST') return [400, { status: 400, error: 'Bad Request', field: 'matchers[1]', reason: 'not a matcher: "team"' }];
      return [200, { routes: [] }];
    });
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    type(page.el, 'name', 'x');
    type(page.el, 'matchers', 'env=prod\nteam');
    tick(page.el, 'input[name=channels][value=ch_1]');
    submit(page.el);
    await settle();
    const matchers = page.el.querySelector('[name=matchers]')!;
    expect(matchers.getAttribute('aria-invalid')).toBe('true');
    expect(matchers.nextElementSibling!.classList.contains('field-error')).toBe(true);
    expect(matchers.nextElementSibling!.textContent).toBe('not a matcher: "team"');
    expect(document.activeElement).toBe(matchers);
    const alert = page.el.querySelector('.errors [role=alert]')!;
    expect(alert.textContent).toContain('400 Bad Request');
    expect(alert.textContent).toContain('matchers[1]');
  });

  it('places each of several field problems beside its own field, and clears them on the next try', async () => {
    let refuse = true;
    const { ctx } = ctxWith((m, url, body) => {
      if (url.startsWith('/v1/channels')) return [200, { channels: [] }];
      if (m === 'POST' && refuse) return [400, { status: 400, error: 'Bad Request', field: 'channels[0]', reason: 'no channel ch_x exists',
        errors: [{ field: 'channels[0]', reason: 'no channel ch_x exists' }, { field: 'repeatInterval', reason: 'must not be shorter than groupInterval' }] }];
      if (m === 'POST') return [201, { ...paymentsRoute, ...(body as object), id: 'rt_9' }];
      return [200, { routes: [] }];
    });
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.querySelector('fieldset.choices')!.textContent).toContain('No channels yet');
    type(page.el, 'name', 'x');
    type(page.el, 'repeatInterval', '1m');
    submit(page.el);
    await settle();
    expect([...page.el.querySelectorAll('[aria-invalid=true]')].map((e) => e.getAttribute('data-field'))).toEqual(['channels', 'repeatInterval']);
    expect(page.el.querySelector('fieldset.choices + .field-error')!.textContent).toBe('no channel ch_x exists');
    expect(page.el.querySelector('[name=repeatInterval] + .field-error')!.textContent).toBe('must not be shorter than groupInterval');

    refuse = false;
    submit(page.el);
    await settle();
    expect(page.el.querySelectorAll('.field-error, [aria-invalid]').length).toBe(0);
    expect(page.el.querySelector('[role=status]')!.textContent).toBe('Created route x.');
  });

  it('does not send an order that is not a whole number', async () => {
    const { ctx, calls } = routesApi([]);
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    type(page.el, 'order', 'first');
    submit(page.el);
    await settle();
    expect(calls.some(([c]) => c.startsWith('POST'))).toBe(false);
    expect(page.el.querySelector('[name=order] + .field-error')!.textContent).toBe('must be a whole number');
  });

  it('says so when the server has no routes endpoints', async () => {
    const { ctx } = ctxWith(() => [404, { status: 404, error: 'Not Found', reason: 'no such endpoint' }]);
    const page = routesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.textContent).toContain('Routes is not available on this server.');
  });
});
