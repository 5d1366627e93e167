// The threshold monitor editor's form model: form values <-> monitor JSON (api-spec/openapi.yaml, MonitorInput),
// plus the backtest's chart data and firing periods. Pure functions, tested without a browser.
import type { Agg } from '../api/types';
import type {
  AlertState, BacktestInstance, Evaluation, Monitor, MonitorCondition, MonitorInput, NoDataPolicy, Severity,
} from '../api/alerting';

export interface ThresholdForm {
  id?: string;
  version?: number;
  name: string;
  metric: string;
  filters: string; // comma separated
  groupBy: string; // comma separated
  agg: string;
  window: string;
  op: 'above' | 'below';
  critical: string;
  warning: string;
  recovery: string;
  every: string;
  delay: string;
  datapoints: string;
  outOf: string;
  pendingFor: string;
  keepFiringFor: string;
  noData: NoDataPolicy;
  severity: Severity;
  priority: string;
  message: string;
  runbook: string;
  owner: string;
  channels: string; // comma separated
  enabled: boolean;
}

export const EMPTY_FORM: ThresholdForm = {
  name: '', metric: '', filters: '', groupBy: '', agg: 'avg', window: '5m', op: 'above', critical: '', warning: '',
  recovery: '', every: '1m', delay: '0m', datapoints: '1', outOf: '1', pendingFor: '0m', keepFiringFor: '0m',
  noData: 'no_data', severity: 'critical', priority: '3', message: '{{monitor.name}}: {{value}}', runbook: '', owner: '',
  channels: '', enabled: true,
};

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** A problem found before sending (the server checks again and has the last word). */
export interface FormProblem {
  field: string;
  reason: string;
}

export function validateForm(f: ThresholdForm): FormProblem[] {
  const p: FormProblem[] = [];
  if (!f.name.trim()) p.push({ field: 'name', reason: 'is required' });
  else if (f.name.trim().length > 200) p.push({ field: 'name', reason: 'must be at most 200 characters' });
  if (!f.metric.trim()) p.push({ field: 'query.metric', reason: 'is required' });
  for (const [field, v, required] of [['condition.critical', f.critical, true], ['condition.warning', f.warning, false],
    ['condition.recovery', f.recovery, false]] as const) {
    if (v.trim() === '') {
      if (required) p.push({ field, reason: 'is required' });
    } else if (!Number.isFinite(Number(v))) {
      p.push({ field, reason: 'must be a number' });
    }
  }
  const crit = Number(f.critical);
  const warn = num(f.warning);
  if (p.length === 0 && warn !== undefined) {
    if (f.op === 'above' && warn > crit) p.push({ field: 'condition.warning', reason: 'must not be above critical for op "above"' });
    if (f.op === 'below' && warn < crit) p.push({ field: 'condition.warning', reason: 'must not be below critical for op "below"' });
  }
  for (const [field, v] of [['evaluation.datapoints', f.datapoints], ['evaluation.outOf', f.outOf], ['priority', f.priority]] as const) {
    if (!/^\d+$/.test(v.trim())) p.push({ field, reason: 'must be a whole number' });
  }
  if (/^\d+$/.test(f.datapoints) && /^\d+$/.test(f.outOf) && Number(f.datapoints) > Number(f.outOf)) {
    p.push({ field: 'evaluation.datapoints', reason: 'must not exceed outOf' });
  }
  const pr = Number(f.priority);
  if (/^\d+$/.test(f.priority) && (pr < 1 || pr > 5)) p.push({ field: 'priority', reason: 'must be 1 to 5' });
  for (const [field, v] of [['query.window', f.window], ['evaluation.every', f.every], ['evaluation.delay', f.delay],
    ['evaluation.pendingFor', f.pendingFor], ['evaluation.keepFiringFor', f.keepFiringFor]] as const) {
    if (!/^\d+[smhdw]$/.test(v.trim())) p.push({ field, reason: 'must be a duration like 30s, 5m, 1h' });
  }
  return p;
}

/** The monitor to send: `version` (of a stored monitor) makes a PUT apply only if nobody changed it meanwhile. */
export function formToMonitor(f: ThresholdForm): MonitorInput {
  const condition: MonitorCondition = { op: f.op, critical: Number(f.critical) };
  const warning = num(f.warning);
  const recovery = num(f.recovery);
  if (warning !== undefined) condition.warning = warning;
  if (recovery !== undefined) condition.recovery = recovery;
  const evaluation: Evaluation = {
    every: f.every.trim(), delay: f.delay.trim(), datapoints: Number(f.datapoints), outOf: Number(f.outOf),
    pendingFor: f.pendingFor.trim(), keepFiringFor: f.keepFiringFor.trim(), noData: f.noData,
  };
  const m: MonitorInput = {
    name: f.name.trim(), kind: 'threshold',
    query: { metric: f.metric.trim(), filters: list(f.filters), groupBy: list(f.groupBy), agg: f.agg as Agg, window: f.window.trim() },
    condition, evaluation, severity: f.severity, priority: Number(f.priority), message: f.message,
    notify: { channels: list(f.channels) }, enabled: f.enabled,
  };
  if (f.runbook.trim()) m.runbook = f.runbook.trim();
  if (f.owner.trim()) m.owner = f.owner.trim();
  if (f.version !== undefined) m.version = f.version;
  return m;
}

export function monitorToForm(m: Monitor): ThresholdForm {
  const c: MonitorCondition = m.condition ?? {};
  const e = m.evaluation ?? {};
  const s = (v: unknown, d: string): string => (v === undefined || v === null ? d : String(v));
  return {
    id: m.id, version: m.version, name: m.name ?? '', metric: m.query?.metric ?? '',
    filters: (m.query?.filters ?? []).join(', '), groupBy: (m.query?.groupBy ?? []).join(', '),
    agg: m.query?.agg ?? EMPTY_FORM.agg, window: m.query?.window ?? EMPTY_FORM.window,
    op: c.op === 'below' ? 'below' : 'above', critical: s(c.critical, ''), warning: s(c.warning, ''), recovery: s(c.recovery, ''),
    every: s(e.every, EMPTY_FORM.every), delay: s(e.delay, EMPTY_FORM.delay), datapoints: s(e.datapoints, '1'),
    outOf: s(e.outOf, '1'), pendingFor: s(e.pendingFor, '0m'), keepFiringFor: s(e.keepFiringFor, '0m'),
    noData: e.noData ?? 'no_data', severity: m.severity ?? 'critical', priority: s(m.priority, '3'),
    message: m.message ?? '', runbook: m.runbook ?? '', owner: m.owner ?? '',
    channels: (m.notify?.channels ?? []).join(', '), enabled: m.enabled !== false,
  };
}

/** Epoch ms from a number or an RFC 3339 / numeric string; null when unreadable. */
export function toMillis(t: string | number | null | undefined): number | null {
  if (t === null || t === undefined || t === '') return null;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

export interface FiringPeriod {
  from: number;
  to: number;
  open: boolean; // still firing at the end of the backtest
}

const FIRING: AlertState = 'FIRING';

/**
 * The periods to shade, derived from the backtest's `timeline` of state transitions (oldest first): a period
 * starts at a transition into FIRING and ends at the next transition out of it (FIRING -> FIRING is a change of
 * severity, not a new period). One still firing at the end of the timeline runs to `rangeEnd` (`open`).
 */
export function firingPeriods(instance: BacktestInstance, rangeEnd: number): FiringPeriod[] {
  const transitions = [...(instance.timeline ?? [])].sort((a, b) => a.at - b.at);
  const out: FiringPeriod[] = [];
  let start: number | null = null;
  for (const t of transitions) {
    if (t.to === FIRING && start === null) start = t.at;
    else if (t.to !== FIRING && start !== null) {
      out.push({ from: start, to: t.at, open: false });
      start = null;
    }
  }
  if (start !== null) out.push({ from: start, to: Math.max(start, rangeEnd), open: true });
  return out;
}

/** The backtest chart's data: x in seconds, the series, and constant threshold lines. */
export function backtestChartData(instance: BacktestInstance): {
  xs: number[]; values: (number | null)[]; critical: (number | null)[] | null; warning: (number | null)[] | null;
} {
  const pairs = instance.series.times.map((t, i) => [toMillis(t), instance.series.values[i] ?? null] as const)
    .filter((p): p is readonly [number, number | null] => p[0] !== null)
    .sort((a, b) => a[0] - b[0]);
  const xs = pairs.map((p) => p[0] / 1000);
  const line = (v: number | null | undefined) => (v === null || v === undefined ? null : xs.map(() => v));
  return { xs, values: pairs.map((p) => p[1]), critical: line(instance.thresholds?.critical), warning: line(instance.thresholds?.warning) };
}

/**
 * A new monitor's form from an explorer query (`#/monitors/new?metric=...&filter=...&groupBy=...&agg=...`), so
 * a chart becomes a monitor of the same query.
 */
export function formFromQuery(p: URLSearchParams): ThresholdForm {
  const agg = p.get('agg');
  return {
    ...EMPTY_FORM,
    metric: p.get('metric') ?? '',
    filters: p.getAll('filter').join(', '),
    groupBy: p.getAll('groupBy').flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean).join(', '),
    agg: agg || EMPTY_FORM.agg,
  };
}
