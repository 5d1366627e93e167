// Monitor, alert, backtest and audit types: names for the generated OpenAPI types (src/api/schema.d.ts, from
// ../api-spec/openapi.yaml, tag `alerting`), so the console cannot drift from what the server answers.
import type { components, operations } from './schema';

type Schemas = components['schemas'];

export type MonitorKind = Schemas['Monitor']['kind'];
export type Severity = Schemas['Severity'];
export type AlertState = Schemas['AlertState'];
export type NoDataPolicy = NonNullable<Schemas['MonitorEvaluation']['noData']>;

export const ALERT_STATES: readonly AlertState[] = ['OK', 'PENDING', 'FIRING', 'RESOLVED', 'NO_DATA', 'ERROR', 'FLAPPING'];
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
export const NO_DATA_POLICIES: readonly NoDataPolicy[] = ['no_data', 'ok', 'breaching', 'keep'];

export type MonitorQuery = Schemas['MonitorQuery'];
export type MonitorCondition = Schemas['MonitorCondition'];
export type Evaluation = Schemas['MonitorEvaluation'];
/** What `POST /v1/monitors` and `PUT /v1/monitors/{id}` take (`version` on PUT: apply only at that version). */
export type MonitorInput = Schemas['MonitorInput'];
/** A stored monitor, as the API answers it. */
export type Monitor = Schemas['Monitor'];
export type MonitorList = Schemas['MonitorList'];

export type AlertInstance = Schemas['Alert'];
export type Acknowledgement = NonNullable<AlertInstance['acknowledged']>;
export type AlertTransition = Schemas['AlertTransitionSummary'];
/** `GET /v1/alerts/{id}`: the instance with its state changes, newest first. */
export type AlertDetail = Schemas['AlertDetail'];
export type AlertList = operations['listAlerts']['responses'][200]['content']['application/json'];
export type AlertFilter = NonNullable<operations['listAlerts']['parameters']['query']>;
/** `POST /v1/alerts/{id}/ack` and `/resolve`. */
export type AlertAction = Schemas['AlertAction'];
/** `GET /v1/alerts/summary`: the total, counts by state, and of active instances by severity. */
export type AlertSummary = Schemas['AlertSummary'];

export type BacktestRequest = Schemas['BacktestRequest'];
export type BacktestResult = Schemas['BacktestResult'];
export type BacktestInstance = BacktestResult['instances'][number];
/** One state transition of a backtest instance (`from` and `to` are states, `at` its time). */
export type BacktestTransition = BacktestInstance['timeline'][number];

export type AuditList = Schemas['AuditList'];
export type AuditEntry = AuditList['entries'][number];

/** One validation problem of a 400 (the first is also the body's own `field`/`reason`). */
export type FieldError = NonNullable<Schemas['ValidationError']['errors']>[number];
