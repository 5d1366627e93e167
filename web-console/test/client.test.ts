import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, queryString, toApiError } from '../src/api/client';

interface Call { url: string; init: RequestInit }

function fakeFetch(status: number, body: unknown, calls: Call[] = []) {
  return async (url: string, init?: RequestInit) => {
    calls.push({ url, init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status, headers: { 'Content-Type': 'application/json' },
    });
  };
}

const KEY = 'lw_abc123_secretsecretsecret';

describe('queryString', () => {
  it('repeats array parameters and leaves out empty ones', () => {
    expect(queryString({ metric: 'a.b', filter: ['service:x', '!env:dev'], groupBy: [], step: '', agg: undefined }))
      .toBe('?metric=a.b&filter=service%3Ax&filter=%21env%3Adev');
  });

  it('is empty when nothing is set', () => {
    expect(queryString({ a: undefined, b: null })).toBe('');
  });
});

describe('ApiClient', () => {
  it('sends the key as a Bearer token and never in the URL', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('http://api.test/', KEY, fakeFetch(200, { metrics: [] }, calls));
    await api.listMetrics();
    expect(calls[0]!.url).toBe('http://api.test/v1/metrics');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe(`Bearer ${KEY}`);
    expect(calls[0]!.url).not.toContain(KEY);
  });

  it('builds the query of GET /v1/query from typed parameters', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, { metric: 'm', agg: 'p95', from: 0, to: 1, step: 60000, tiers: [], series: [] }, calls));
    await api.query({ metric: 'http.latency', filter: ['service:checkout'], groupBy: ['region'], agg: 'p95', from: '-1h', step: '5m' });
    const u = new URL(calls[0]!.url, 'http://x');
    expect(u.pathname).toBe('/v1/query');
    expect(u.searchParams.getAll('filter')).toEqual(['service:checkout']);
    expect(u.searchParams.get('groupBy')).toBe('region');
    expect(u.searchParams.get('agg')).toBe('p95');
    expect(u.searchParams.get('step')).toBe('5m');
  });

  it('escapes the metric name in the tags path', async () => {
    const calls: Call[] = [];
    await new ApiClient('', KEY, fakeFetch(200, { metric: 'a/b', tags: {} }, calls)).listTags('a/b:c');
    expect(calls[0]!.url).toBe('/v1/metrics/a%2Fb%3Ac/tags');
  });

  it('turns the error body into an ApiError with status, field and reason', async () => {
    const api = new ApiClient('', KEY, fakeFetch(400, { status: 400, error: 'Bad Request', field: 'step', reason: 'must be whole minutes' }));
    const err = await api.query({ metric: 'm', step: '30s' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, error: 'Bad Request', field: 'step', reason: 'must be whole minutes' });
  });

  it('keeps every field problem of a 400 with several', async () => {
    const api = new ApiClient('', KEY, fakeFetch(400, {
      status: 400, error: 'Bad Request', field: 'name', reason: 'is required',
      errors: [{ field: 'name', reason: 'is required' }, { field: 'condition.critical', reason: 'must be a number' }],
    }));
    const err = (await api.saveMonitor({ name: '', kind: 'threshold', condition: {} }).catch((e: unknown) => e)) as ApiError;
    expect(err.errors.map((e) => e.field)).toEqual(['name', 'condition.critical']);
  });

  it('explains an answer whose body is not JSON by its status', async () => {
    const res = new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const err = await toApiError(res);
    expect(err.status).toBe(502);
    expect(err.error).toBe('Bad Gateway');
    expect(err.reason).toContain('502');
  });

  it('reports an unreachable API as status 0 without the key in the message', async () => {
    const api = new ApiClient('http://down.test', KEY, async () => { throw new TypeError('Failed to fetch'); });
    const err = (await api.listMetrics().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.reason).toContain('http://down.test');
    expect(err.message).not.toContain(KEY);
  });

  it('marks 404 answers as a feature this server does not have', async () => {
    const api = new ApiClient('', KEY, fakeFetch(404, { status: 404, error: 'Not Found', reason: 'no route for GET /v1/alerts' }));
    const err = (await api.listAlerts().catch((e: unknown) => e)) as ApiError;
    expect(err.notAvailable).toBe(true);
  });

  it('creates a monitor with POST and replaces one with PUT, sending the version it was read at', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, { id: 'mon_1', name: 'x', kind: 'threshold', condition: {} }, calls));
    await api.saveMonitor({ name: 'x', kind: 'threshold', condition: { op: 'above', critical: 1 } });
    await api.saveMonitor({ version: 3, name: 'x', kind: 'threshold', condition: { op: 'above', critical: 1 } }, 'mon_1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['POST /v1/monitors', 'PUT /v1/monitors/mon_1']);
    const body = JSON.parse(calls[1]!.init.body as string) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['condition', 'kind', 'name', 'version']);
  });

  it('reads the lists out of their envelopes: monitors, alerts, audit entries', async () => {
    expect(await new ApiClient('', KEY, fakeFetch(200, { alerts: [{ id: 'a' }] })).listAlerts()).toEqual([{ id: 'a' }]);
    expect(await new ApiClient('', KEY, fakeFetch(200, { monitors: [{ id: 'm' }] })).listMonitors()).toEqual([{ id: 'm' }]);
    expect(await new ApiClient('', KEY, fakeFetch(200, { entries: [{ action: 'alert.ack' }] })).listAudit()).toEqual([{ action: 'alert.ack' }]);
  });

  it('leaves an empty note and actor out of an ack or resolve (the server then names the key)', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, {}, calls));
    await api.resolveAlert('al_1', '  ', '');
    expect(calls[0]!.url).toBe('/v1/alerts/al_1/resolve');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({});
  });

  it('passes alert filters as query parameters and posts ack notes', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, { alerts: [] }, calls));
    await api.listAlerts({ state: 'FIRING', severity: 'critical', monitorId: '' });
    await api.ackAlert('al/1', 'ana', 'looking');
    expect(calls[0]!.url).toBe('/v1/alerts?state=FIRING&severity=critical');
    expect(calls[1]!.url).toBe('/v1/alerts/al%2F1/ack');
    expect(JSON.parse(calls[1]!.init.body as string)).toEqual({ by: 'ana', note: 'looking' });
  });

  it('lists, reads, creates (POST), replaces (PUT) and deletes routes, the id escaped in the path', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, { routes: [{ id: 'rt_1' }] }, calls));
    await api.saveRoute({ name: 'r', channels: ['ch_1'] });
    await api.saveRoute({ name: 'r', channels: ['ch_1'] }, 'rt/1');
    await api.deleteRoute('rt_1');
    expect(await api.listRoutes()).toEqual([{ id: 'rt_1' }]);
    await api.getRoute('rt_1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['POST /v1/routes', 'PUT /v1/routes/rt%2F1', 'DELETE /v1/routes/rt_1',
      'GET /v1/routes', 'GET /v1/routes/rt_1']);
  });

  it('asks for a page of the delivery log by status, size and cursor, leaving out what is not set', async () => {
    const calls: Call[] = [];
    const api = new ApiClient('', KEY, fakeFetch(200, { notifications: [], next: 'd1' }, calls));
    expect(await api.listNotifications({ after: 'd 2', status: 'failed', limit: 25 })).toEqual({ notifications: [], next: 'd1' });
    await api.listNotifications();
    expect(calls.map((c) => c.url)).toEqual(['/v1/notifications?status=failed&limit=25&after=d+2', '/v1/notifications']);
  });
});
