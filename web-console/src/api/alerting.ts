// Monitor and alert shapes from the agreed alerting contract (/v1/monitors*, /v1/alerts*, /v1/audit).
// These endpoints are not in api-spec/openapi.yaml on this branch yet; once they are, these hand-written
// types give way to aliases of the generated ones (as src/api/types.ts does for the query API).

export type MonitorKind = 'threshold' | 'change' | 'absence' | 'anomaly' | 'event_count' | 'composite';
export type Severity = 'critical' | 'warning' | 'info';
export type AlertState = 'OK' | 'PENDING' | 'FIRING' | 'RESOLVED' | 'NO_DATA' | 'ERROR' | 'FLAPPING';
export type NoDataPolicy = 'ok' | 'breaching' | 'keep' | 'no_data';

export const ALERT_STATES: readonly AlertState[] = ['OK', 'PENDING', 'FIRING', 'RESOLVED', 'NO_DATA', 'ERROR', 'FLAPPING'];
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
export const NO_DATA_POLICIES: readonly NoDataPolicy[] = ['no_data', 'ok', 'breaching', 'keep'];

export interface MonitorQuery {
  metric: string;
  filters?: string[];
  groupBy?: string[];
  agg?: string;
  window?: string;
}

export interface ThresholdCondition {
  op: 'above' | 'below';
  critical: number;
  warning?: number;
  recovery?: number;
}

export interface Evaluation {
  every?: string;
  delay?: string;
  datapoints?: number;
  outOf?: number;
  pendingFor?: string;
  keepFiringFor?: string;
  noData?: NoDataPolicy;
  flapping?: { changes: number; window: string };
}

export interface Monitor {
  id?: string;
  name: string;
  kind: MonitorKind;
  query?: MonitorQuery;
  condition: ThresholdCondition | Record<string, unknown>;
  evaluation?: Evaluation;
  severity?: Severity;
  priority?: number;
  message?: string;
  runbook?: string;
  owner?: string;
  tags?: Record<string, string>;
  notify?: { channels: string[] };
  enabled?: boolean;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export interface Acknowledgement {
  by: string;
  at: string | number;
  note?: string;
}

export interface AlertInstance {
  id: string;
  monitorId: string;
  monitorName?: string;
  group: Record<string, string>;
  state: AlertState;
  severity: Severity;
  since?: string | number;
  lastEvaluatedAt?: string | number;
  value?: number | null;
  threshold?: number | null;
  acknowledged?: Acknowledgement | null;
  silenced?: boolean;
}

/** `GET /v1/alerts/{id}`: the instance with its state changes, oldest first. */
export interface AlertDetail extends AlertInstance {
  transitions?: { from?: string; to?: string; at?: string | number; value?: number | null; severity?: string; [other: string]: unknown }[];
}

export interface AlertFilter {
  state?: string;
  severity?: string;
  monitorId?: string;
  tag?: string;
}

/** `GET /v1/alerts/summary`: counts by state and by severity. */
export interface AlertSummary {
  byState?: Record<string, number>;
  bySeverity?: Record<string, number>;
  [other: string]: unknown;
}

export interface BacktestRequest {
  monitor?: Monitor;
  monitorId?: string;
  from: string | number;
  to: string | number;
}

export interface BacktestTimelineEntry {
  at?: string | number;
  from: string | number;
  to?: string | number | null;
  value?: number | null;
  threshold?: number | null;
  state?: string;
}

export interface BacktestInstance {
  group: Record<string, string>;
  timeline: BacktestTimelineEntry[];
  notifications?: unknown[];
  series: { times: (string | number)[]; values: (number | null)[] };
  thresholds?: { critical?: number | null; warning?: number | null };
}

export interface BacktestResult {
  instances: BacktestInstance[];
}

export interface AuditEntry {
  at?: string | number;
  by?: string;
  action?: string;
  target?: string;
  [other: string]: unknown;
}

/** One validation problem of a 400 (the first is also the body's own `field`/`reason`). */
export interface FieldError {
  field: string;
  reason: string;
}
