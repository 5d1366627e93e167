import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client';
import { Session } from '../src/session';
import { ctxWith as recordingCtx, MemoryStore, type Route } from './page-context';
import { errorBox, describeError } from '../src/ui/errors';
import { alertRow, alertsPage, summaryView } from '../src/pages/alerts';
import { monitorsPage, monitorsTable } from '../src/pages/monitors';
import { monitorEditorPage, renderBacktest } from '../src/pages/monitor-editor';
import { auditTable } from '../src/pages/audit';
import { explorerPage } from '../src/pages/explorer';
import { signInPage } from '../src/pages/signin';
import type { PageContext } from '../src/pages/page';
import type { AlertInstance } from '../src/api/alerting';

/** The page context of page-context.ts, with the requests made as "METHOD url". */
function ctxWith(route: Route, params = ''): { ctx: PageContext; calls: string[] } {
  const calls: string[] = [];
  const { ctx } = recordingCtx((method, url, body) => {
    calls.push(`${method} ${url}`);
    return route(method, url, body);
  }, params);
  return { ctx, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const notFound: [number, unknown] = [404, { status: 404, error: 'Not Found', reason: 'no route' }];

const firing: AlertInstance = { id: 'al_1', monitorId: 'mon_1', monitorName: 'Checkout latency', group: { service: 'checkout' },
  state: 'FIRING', severity: 'critical', since: '2025-11-21T04:40:00Z', lastEvaluatedAt: '2025-11-21T04:41:00Z', value: 912.5, threshold: 500,
  acknowledged: null, silenced: false, labels: { monitor: 'mon_1', severity: 'critical' } };
const summaryBody = { total: 5, byState: { FIRING: 1, OK: 4 }, bySeverity: { critical: 1 } };

beforeEach(() => { document.body.replaceChildren(); });

describe('errors', () => {
  it('show status, field and reason of the API error body', () => {
    const el = errorBox(new ApiError(400, 'Bad Request', 'must be a whole number of minutes', 'step'));
    expect(el.getAttribute('role')).toBe('alert');
    expect(el.textContent).toContain('400 Bad Request');
    expect(el.textContent).toContain('step');
    expect(el.textContent).toContain('must be a whole number of minutes');
  });

  it('tell the user to sign in again on 401', () => {
    expect(describeError(new ApiError(401, 'Unauthorized', 'unknown API key')).detail).toContain('sign in again');
  });

  it('render API text as text, never as markup', () => {
    const el = errorBox(new ApiError(400, 'Bad Request', '<img src=x onerror=alert(1)>'));
    expect(el.querySelector('img')).toBeNull();
  });
});

describe('session', () => {
  it('keeps the key until sign-out', () => {
    const s = new Session(new MemoryStore());
    expect(s.apiKey).toBeNull();
    s.signIn('  lw_a_b ');
    expect(s.apiKey).toBe('lw_a_b');
    s.signOut();
    expect(s.apiKey).toBeNull();
  });
});

describe('sign-in page', () => {
  it('shows the 401 of a bad key and does not sign in', async () => {
    const originalFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response(JSON.stringify({ status: 401, error: 'Unauthorized', reason: 'unknown API key' }), { status: 401 });
    try {
      let signedIn = false;
      const el = signInPage('', () => { signedIn = true; });
      document.body.append(el);
      el.querySelector('input')!.value = 'lw_bad_key';
      el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
      await settle(); await settle();
      expect(signedIn).toBe(false);
      expect(el.querySelector('[role=alert]')!.textContent).toContain('401 Unauthorized');
      expect(el.textContent).not.toContain('lw_bad_key');
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});

describe('alerts page', () => {
  it('lists alerts with ack and resolve, and the status summary', async () => {
    const { ctx, calls } = ctxWith((_m, url) => url.startsWith('/v1/alerts/summary')
      ? [200, summaryBody] : [200, { alerts: [firing] }], 'state=FIRING');
    const page = alertsPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(calls).toContain('GET /v1/alerts?state=FIRING');
    const row = page.el.querySelector('tr[data-id="al_1"]')!;
    expect(row.textContent).toContain('Checkout latency');
    expect(row.textContent).toContain('service:checkout');
    expect([...row.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Ack', 'Resolve']);
    const summary = page.el.querySelector('[data-testid=alert-summary]')!;
    expect(summary.textContent).toContain('FIRING1');
    expect(summary.textContent).toContain('critical1');
  });

  it('says alerting is not available when the server answers 404', async () => {
    const { ctx } = ctxWith(() => notFound);
    const page = alertsPage(ctx);
    await settle();
    expect(page.el.textContent).toContain('Alerting is not available on this server');
    expect(page.el.querySelector('[role=alert]')).toBeNull();
  });

  it('offers no ack on an acknowledged alert and no buttons on a resolved one', () => {
    const acked = alertRow({ ...firing, acknowledged: { by: 'ana', at: '2025-11-21T04:41:00Z', note: 'on it' } }, () => {});
    expect([...acked.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Resolve']);
    expect(acked.textContent).toContain('by ana: on it');
    expect(alertRow({ ...firing, state: 'RESOLVED' }, () => {}).querySelectorAll('button')).toHaveLength(0);
  });

  it('acknowledges as the person acting, with the note', async () => {
    const posted: unknown[] = [];
    const { ctx } = ctxWith((m, url, body) => {
      if (m === 'POST') { posted.push([url, body]); return [200, firing]; }
      return url.startsWith('/v1/alerts/summary') ? [200, summaryBody] : [200, { alerts: [firing] }];
    });
    ctx.session.actor = 'ana';
    window.prompt = () => 'looking';
    const page = alertsPage(ctx);
    await settle();
    (page.el.querySelector('tr[data-id="al_1"] button') as HTMLButtonElement).click();
    await settle();
    expect(posted).toEqual([['/v1/alerts/al_1/ack', { by: 'ana', note: 'looking' }]]);
  });

  it('renders the summary: the total, counts by state, active ones by severity', () => {
    expect(summaryView({ total: 3, byState: { FIRING: 2, OK: 1 }, bySeverity: { warning: 2 } }).textContent)
      .toBe('Totalalerts3StateFIRING2OK1Active by severitywarning2');
  });
});

describe('monitors', () => {
  it('lists monitors with a readable condition and an edit link', () => {
    const t = monitorsTable([{ id: 'mon_1', name: 'Latency', kind: 'threshold', severity: 'warning',
      query: { metric: 'http.latency', agg: 'p99', window: '5m' }, condition: { op: 'above', critical: 500, warning: 300 },
      evaluation: {}, priority: 3, tags: {}, notify: { channels: [] }, enabled: true, version: 1,
      createdAt: '2025-11-21T04:40:00Z', updatedAt: '2025-11-21T04:40:00Z' }]);
    expect(t.querySelector('a')!.getAttribute('href')).toBe('#/monitors/mon_1');
    expect(t.textContent).toContain('p99(http.latency) over 5m above 500, warn 300');
  });

  it('says monitors are not available when the server answers 404', async () => {
    const { ctx } = ctxWith(() => notFound);
    const page = monitorsPage(ctx);
    await settle();
    expect(page.el.textContent).toContain('Monitors is not available on this server');
  });

  it('shows the server\'s field errors next to their inputs', async () => {
    const { ctx } = ctxWith(() => [400, { status: 400, error: 'Bad Request', field: 'condition.critical', reason: 'must be above recovery',
      errors: [{ field: 'condition.critical', reason: 'must be above recovery' }, { field: 'query.window', reason: 'at most 1d' }] }]);
    const page = monitorEditorPage(ctx, null);
    document.body.append(page.el);
    const set = (name: string, v: string) => {
      const i = page.el.querySelector<HTMLInputElement>(`input[name=${name}]`)!;
      i.value = v;
      i.dispatchEvent(new Event('input'));
    };
    set('name', 'Latency'); set('metric', 'http.latency'); set('critical', '500');
    page.el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle(); await settle();
    const invalid = [...page.el.querySelectorAll('[aria-invalid=true]')].map((e) => e.getAttribute('data-field'));
    expect(invalid).toEqual(['query.window', 'condition.critical']);
    expect(page.el.querySelector('[data-field="condition.critical"] + .field-error')!.textContent).toBe('must be above recovery');
  });

  it('validates before calling the server', async () => {
    const { ctx, calls } = ctxWith(() => [200, {}]);
    const page = monitorEditorPage(ctx, null);
    document.body.append(page.el);
    page.el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls.filter((c) => c !== 'GET /v1/metrics')).toEqual([]);
    expect(page.el.querySelectorAll('[aria-invalid=true]').length).toBeGreaterThan(0);
  });

  it('posts the backtest of the edited monitor and says the endpoint is missing on 404', async () => {
    const bodies: unknown[] = [];
    const { ctx } = ctxWith((m, _u, body) => {
      if (m === 'GET') return [200, { metrics: [{ name: 'm', type: 'gauge' }] }];
      bodies.push(body);
      return notFound;
    });
    const page = monitorEditorPage(ctx, null);
    document.body.append(page.el);
    for (const [n, v] of [['name', 'L'], ['metric', 'm'], ['critical', '5']]) {
      const i = page.el.querySelector<HTMLInputElement>(`input[name=${n}]`)!;
      i.value = v!;
      i.dispatchEvent(new Event('input'));
    }
    [...page.el.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Backtest'))!.click();
    await settle(); await settle();
    expect(bodies[0]).toMatchObject({ monitor: { name: 'L', kind: 'threshold', query: { metric: 'm' }, condition: { critical: 5 } } });
    expect(page.el.textContent).toContain('Backtests is not available on this server');
  });

  it('renders one backtest chart per group with its firing periods, thresholds and shading', () => {
    const drawn: { title: string; series: string[]; bands: number }[] = [];
    const box = document.createElement('div');
    renderBacktest(box, { from: 0, to: 300_000, evaluations: 5, instances: [{
      group: { service: 'checkout' },
      timeline: [{ at: 120_000, from: 'OK', to: 'FIRING', value: 600, threshold: 500 },
        { at: 240_000, from: 'FIRING', to: 'RESOLVED', value: 200, threshold: 500 }],
      notifications: [],
      series: { times: [60_000, 120_000, 180_000, 240_000], values: [100, 600, 700, 200] },
      thresholds: { critical: 500, warning: 300 },
    }] }, 300_000, [], (_el, spec) => {
      drawn.push({ title: spec.title, series: spec.series.map((s) => s.label), bands: spec.bands?.length ?? 0 });
      return { plot: null as never, destroy: () => {} };
    });
    expect(box.querySelector('h3')!.textContent).toBe('service:checkout');
    expect(drawn).toEqual([{ title: '', series: ['value', 'critical', 'warning'], bands: 1 }]);
    expect(box.querySelector('[data-testid=backtest-summary]')!.textContent).toBe('1 group; would have fired 1 time.');
    expect(box.querySelector('.periods')!.textContent).toContain('firing 1970-01-01 00:02:00Z → 1970-01-01 00:04:00Z');
  });
});

describe('audit log', () => {
  it('shows when, who, what and on which target, and what an update changed', () => {
    const t = auditTable([
      { at: '2025-11-21T04:40:00Z', who: 'key:ab12cd34', action: 'alert.ack', target: 'mon_1:*', before: null, after: null },
      { at: '2025-11-21T04:41:00Z', who: 'ana', action: 'monitor.update', target: 'mon_1',
        before: { name: 'L', condition: { critical: 5 }, version: 1 } as never, after: { name: 'L', condition: { critical: 6 }, version: 2 } as never },
    ]);
    expect([...t.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['at', 'who', 'action', 'target', 'detail']);
    expect([...t.querySelectorAll('tbody tr')].map((r) => r.textContent)).toEqual([
      '2025-11-21 04:40:00Zkey:ab12cd34alert.ackmon_1:*', '2025-11-21 04:41:00Zanamonitor.updatemon_1changed condition']);
  });
});

describe('explorer page', () => {
  const emptyResult = { metric: 'http.latency', agg: 'avg', from: 0, to: 3_600_000, step: 60_000, tiers: ['minute'], series: [] };
  function explorer(params: string) {
    const replaced: string[] = [];
    const { ctx, calls } = ctxWith((_m, url) => {
      if (url === '/v1/metrics') return [200, { metrics: [{ name: 'http.latency', type: 'distribution' }] }];
      if (url.startsWith('/v1/metrics/')) return [200, { metric: 'http.latency', tags: { env: ['prod', 'dev'], service: ['a'] } }];
      if (url.startsWith('/v1/events')) return [200, { events: [] }];
      return [200, emptyResult];
    }, params);
    ctx.replaceParams = (p) => replaced.push(p.toString());
    const page = explorerPage(ctx);
    document.body.append(page.el);
    return { page, calls, replaced };
  }

  it('queries with the tag filter and group-by chosen, and writes them into the URL', async () => {
    const { page, calls, replaced } = explorer('metric=http.latency');
    await settle(); await settle();
    const env = page.el.querySelector<HTMLSelectElement>('select[data-tag=env]')!;
    env.value = '!dev';
    env.dispatchEvent(new Event('change'));
    const group = page.el.querySelector<HTMLInputElement>('input[data-group=service]')!;
    group.checked = true;
    group.dispatchEvent(new Event('change'));
    await settle();
    expect(calls.filter((c) => c.startsWith('GET /v1/query')).pop()).toBe('GET /v1/query?metric=http.latency&agg=avg&from=-1h&to=now&filter=%21env%3Adev&groupBy=service');
    expect(replaced.pop()).toBe('metric=http.latency&filter=%21env%3Adev&groupBy=service');
    expect(page.el.textContent).toContain('No data for this query in this range.');
  });

  it('keeps the keyboard focus on a control after the change it makes', async () => {
    const { page } = explorer('metric=http.latency');
    await settle(); await settle();
    const agg = page.el.querySelector<HTMLSelectElement>('select[name=agg]')!;
    agg.focus();
    agg.value = 'p99';
    agg.dispatchEvent(new Event('change'));
    expect(document.activeElement?.getAttribute('name')).toBe('agg');
    expect((document.activeElement as HTMLSelectElement).value).toBe('p99');
  });

  it('shows the API\'s refusal of a query with its field', async () => {
    const { ctx } = ctxWith((_m, url) => url.startsWith('/v1/query')
      ? [400, { status: 400, error: 'Bad Request', field: 'step', reason: 'must be a whole number of minutes' }]
      : url === '/v1/metrics' ? [200, { metrics: [] }] : [200, { metric: 'm', tags: {}, events: [] }], 'metric=m&step=90s');
    const page = explorerPage(ctx);
    await settle(); await settle();
    expect(page.el.querySelector('[role=alert]')!.textContent).toContain('400 Bad Request — step');
  });
});

describe('alert detail', () => {
  it('shows where the alert stands and its state changes', async () => {
    const { alertDetailPage } = await import('../src/pages/alerts');
    const { ctx, calls } = ctxWith(() => [200, { ...firing, acknowledged: { by: 'ana', at: '2025-11-21T04:41:00Z', note: 'on it' },
      transitions: [{ id: 't2', from: 'PENDING', to: 'FIRING', at: '2025-11-21T04:40:00Z', severity: 'critical', value: 912.5, threshold: 500 },
        { id: 't1', from: 'OK', to: 'PENDING', at: '2025-11-21T04:39:00Z', severity: 'critical', value: 600, threshold: 500 }] }]);
    const page = alertDetailPage(ctx, 'al_1');
    await settle();
    expect(calls).toEqual(['GET /v1/alerts/al_1']);
    const detail = page.el.querySelector('[data-testid=alert-detail]')!;
    expect(detail.textContent).toContain('by ana at 2025-11-21 04:41:00Z: on it');
    expect(detail.querySelector('a')!.getAttribute('href')).toBe('#/monitors/mon_1');
    expect([...detail.querySelectorAll('[data-testid=transitions] tbody tr')].map((r) => r.textContent))
      .toEqual(['2025-11-21 04:40:00ZPENDINGFIRINGcritical912.50', '2025-11-21 04:39:00ZOKPENDINGcritical600']);
  });

  it('shows the API\'s 404 for an alert that is gone', async () => {
    const { alertDetailPage } = await import('../src/pages/alerts');
    const { ctx } = ctxWith(() => [404, { status: 404, error: 'Not Found', reason: 'no alert al_9' }]);
    const page = alertDetailPage(ctx, 'al_9');
    await settle();
    expect(page.el.querySelector('[role=alert]')!.textContent).toContain('no alert al_9');
  });
});
