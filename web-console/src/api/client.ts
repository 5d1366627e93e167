import type { ApiErrorBody, EventList, EventParams, MetricList, QueryParams, QueryResult, TagList } from './types';
import type {
  AlertAction, AlertDetail, AlertFilter, AlertInstance, AlertList, AlertSummary, AuditEntry, AuditList, BacktestRequest,
  BacktestResult, FieldError, Monitor, MonitorInput, MonitorList,
} from './alerting';
import type {
  Channel, ChannelInput, ChannelList, InhibitionRule, InhibitionRuleInput, InhibitionRuleList, MaintenanceWindow,
  MaintenanceWindowInput, MaintenanceWindowList, Notification, NotificationList, NotificationParams, Route, RouteInput, RouteList,
  Silence, SilenceInput, SilenceList,
} from './notify';

/**
 * A refusal from the API (its `{status, error, field, reason}` body), or a failure to reach it
 * (`status` 0). `errors` lists every field problem when the API reported several.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly field: string | undefined;
  readonly reason: string;
  readonly errors: FieldError[];

  constructor(status: number, error: string, reason: string, field?: string, errors: FieldError[] = []) {
    super(`${status} ${error}: ${reason}`);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
    this.reason = reason;
    this.field = field || undefined;
    this.errors = errors;
  }

  /** True when the server does not have this endpoint at all (an older server, or a feature not deployed). */
  get notAvailable(): boolean {
    return this.status === 404 || this.status === 405;
  }
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;
type Params = Record<string, string | number | boolean | readonly string[] | undefined | null>;

/** Builds a query string; arrays repeat the parameter, empty values are left out. */
export function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== '') q.append(k, item);
    } else {
      q.append(k, String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Turns a failed response into an ApiError, whatever its body. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall back on the status line
  }
  const b = (body ?? {}) as Partial<ApiErrorBody> & { errors?: FieldError[] };
  const status = typeof b.status === 'number' ? b.status : res.status;
  const error = typeof b.error === 'string' && b.error ? b.error : res.statusText || 'Error';
  const reason = typeof b.reason === 'string' && b.reason ? b.reason : `the server answered ${res.status}`;
  const errors = Array.isArray(b.errors) ? b.errors.filter((e) => e && typeof e.field === 'string') : [];
  return new ApiError(status, error, reason, typeof b.field === 'string' ? b.field : undefined, errors);
}

/**
 * The typed client of the Longwatch API. The key is only ever put in the Authorization header; it is not
 * logged nor placed in any URL or error message. With `key` null the client sets no Authorization header:
 * `fetchFn` authorizes each request (a console user's ID token, `UserAuth.fetch` in cognito.ts).
 */
export class ApiClient {
  private readonly base: string;
  private readonly key: string | null;
  private readonly fetchFn: FetchFn;

  constructor(base: string, key: string | null, fetchFn: FetchFn = (i, init) => globalThis.fetch(i, init)) {
    this.base = base.replace(/\/+$/, '');
    this.key = key;
    this.fetchFn = fetchFn;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.key !== null) headers.Authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'Network error', `cannot reach the API at ${this.base || location.origin} (${(e as Error).message})`);
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // --- metrics and events (api-spec/openapi.yaml)

  listMetrics(): Promise<MetricList> {
    return this.request('GET', '/v1/metrics');
  }

  listTags(metric: string): Promise<TagList> {
    return this.request('GET', `/v1/metrics/${encodeURIComponent(metric)}/tags`);
  }

  query(params: QueryParams): Promise<QueryResult> {
    return this.request('GET', `/v1/query${queryString(params as Params)}`);
  }

  listEvents(params: EventParams): Promise<EventList> {
    return this.request('GET', `/v1/events${queryString(params as Params)}`);
  }

  // --- monitors and alerts (api-spec/openapi.yaml, tag alerting)

  async listMonitors(): Promise<Monitor[]> {
    return (await this.request<MonitorList>('GET', '/v1/monitors')).monitors;
  }

  getMonitor(id: string): Promise<Monitor> {
    return this.request('GET', `/v1/monitors/${encodeURIComponent(id)}`);
  }

  /** Creates (`POST`) a monitor, or replaces (`PUT`) the one with `id`, only if it is still at `input.version`. */
  saveMonitor(input: MonitorInput, id?: string): Promise<Monitor> {
    return id
      ? this.request('PUT', `/v1/monitors/${encodeURIComponent(id)}`, input)
      : this.request('POST', '/v1/monitors', input);
  }

  deleteMonitor(id: string): Promise<{ deleted: string }> {
    return this.request('DELETE', `/v1/monitors/${encodeURIComponent(id)}`);
  }

  backtest(req: BacktestRequest): Promise<BacktestResult> {
    return this.request('POST', '/v1/monitors/backtest', req);
  }

  async listAlerts(filter: AlertFilter = {}): Promise<AlertInstance[]> {
    return (await this.request<AlertList>('GET', `/v1/alerts${queryString({ ...filter })}`)).alerts;
  }

  getAlert(id: string): Promise<AlertDetail> {
    return this.request('GET', `/v1/alerts/${encodeURIComponent(id)}`);
  }

  alertSummary(): Promise<AlertSummary> {
    return this.request('GET', '/v1/alerts/summary');
  }

  ackAlert(id: string, by: string, note?: string): Promise<AlertInstance> {
    return this.request('POST', `/v1/alerts/${encodeURIComponent(id)}/ack`, action(by, note));
  }

  resolveAlert(id: string, by: string, note?: string): Promise<AlertInstance> {
    return this.request('POST', `/v1/alerts/${encodeURIComponent(id)}/resolve`, action(by, note));
  }

  async listAudit(): Promise<AuditEntry[]> {
    return (await this.request<AuditList>('GET', '/v1/audit')).entries;
  }

  // --- notifications (api-spec/openapi.yaml, tag notifications)

  async listChannels(): Promise<Channel[]> {
    return (await this.request<ChannelList>('GET', '/v1/channels')).channels;
  }

  createChannel(input: ChannelInput): Promise<Channel> {
    return this.request('POST', '/v1/channels', input);
  }

  deleteChannel(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/channels/${encodeURIComponent(id)}`);
  }

  /** Sends a test message now; the answer is its delivery record (`sent`, `retrying`, `failed` with the reason). */
  testChannel(id: string): Promise<Notification> {
    return this.request('POST', `/v1/channels/${encodeURIComponent(id)}/test`);
  }

  /** The tenant's routes, in the order they are tried. */
  async listRoutes(): Promise<Route[]> {
    return (await this.request<RouteList>('GET', '/v1/routes')).routes;
  }

  getRoute(id: string): Promise<Route> {
    return this.request('GET', `/v1/routes/${encodeURIComponent(id)}`);
  }

  /** Creates (`POST`) a route, or replaces (`PUT`) the one with `id`. */
  saveRoute(input: RouteInput, id?: string): Promise<Route> {
    return id
      ? this.request('PUT', `/v1/routes/${encodeURIComponent(id)}`, input)
      : this.request('POST', '/v1/routes', input);
  }

  deleteRoute(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/routes/${encodeURIComponent(id)}`);
  }

  /** A page of the delivery log, newest first; pass the answer's `next` as `after` for the following page. */
  listNotifications(params: NotificationParams = {}): Promise<NotificationList> {
    return this.request('GET', `/v1/notifications${queryString({ status: params.status, limit: params.limit, after: params.after })}`);
  }

  async listSilences(): Promise<Silence[]> {
    return (await this.request<SilenceList>('GET', '/v1/silences')).silences;
  }

  createSilence(input: SilenceInput): Promise<Silence> {
    return this.request('POST', '/v1/silences', input);
  }

  /** Ends a silence now (`DELETE`: the server keeps it, expired, for the record). */
  expireSilence(id: string): Promise<Silence> {
    return this.request('DELETE', `/v1/silences/${encodeURIComponent(id)}`);
  }

  async listMaintenanceWindows(): Promise<MaintenanceWindow[]> {
    return (await this.request<MaintenanceWindowList>('GET', '/v1/maintenance-windows')).maintenanceWindows;
  }

  createMaintenanceWindow(input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    return this.request('POST', '/v1/maintenance-windows', input);
  }

  deleteMaintenanceWindow(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/maintenance-windows/${encodeURIComponent(id)}`);
  }

  /** The tenant's inhibition rules; `builtInRuleActive` while it has none. */
  listInhibitions(): Promise<InhibitionRuleList> {
    return this.request<InhibitionRuleList>('GET', '/v1/inhibitions');
  }

  createInhibition(input: InhibitionRuleInput): Promise<InhibitionRule> {
    return this.request('POST', '/v1/inhibitions', input);
  }

  deleteInhibition(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/inhibitions/${encodeURIComponent(id)}`);
  }
}

/** The ack/resolve body: `by` left out when empty (the server then names the key's subject), `note` if any. */
function action(by: string, note?: string): AlertAction {
  const body: AlertAction = {};
  if (by.trim()) body.by = by.trim();
  if (note && note.trim()) body.note = note.trim();
  return body;
}
