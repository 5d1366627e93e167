import type { Agg, QueryParams, QueryResult } from '../api/types';
import { AGGS } from '../api/types';

/** What the explorer shows; it round-trips through the URL so a chart can be shared. */
export interface ExplorerState {
  metric: string;
  filters: string[];
  groupBy: string[];
  agg: Agg;
  from: string;
  to: string;
  step: string;
  events: boolean;
}

export const DEFAULT_STATE: ExplorerState = {
  metric: '', filters: [], groupBy: [], agg: 'avg', from: '-1h', to: 'now', step: '', events: true,
};

export function stateFromParams(p: URLSearchParams): ExplorerState {
  const agg = p.get('agg') as Agg | null;
  return {
    metric: p.get('metric') ?? '',
    filters: p.getAll('filter').filter(Boolean),
    groupBy: p.getAll('groupBy').flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean),
    agg: agg && AGGS.includes(agg) ? agg : DEFAULT_STATE.agg,
    from: p.get('from') || DEFAULT_STATE.from,
    to: p.get('to') || DEFAULT_STATE.to,
    step: p.get('step') ?? '',
    events: p.get('events') !== '0',
  };
}

export function stateToParams(s: ExplorerState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.metric) p.set('metric', s.metric);
  for (const f of s.filters) p.append('filter', f);
  for (const g of s.groupBy) p.append('groupBy', g);
  if (s.agg !== DEFAULT_STATE.agg) p.set('agg', s.agg);
  if (s.from !== DEFAULT_STATE.from) p.set('from', s.from);
  if (s.to !== DEFAULT_STATE.to) p.set('to', s.to);
  if (s.step) p.set('step', s.step);
  if (!s.events) p.set('events', '0');
  return p;
}

export function queryParams(s: ExplorerState): QueryParams {
  const q: QueryParams = { metric: s.metric, agg: s.agg, from: s.from, to: s.to };
  if (s.filters.length) q.filter = s.filters;
  if (s.groupBy.length) q.groupBy = s.groupBy;
  if (s.step) q.step = s.step;
  return q;
}

/** A filter on one tag key: '' (any), '*' (has the key), '=v' or '!v'. */
export type TagChoice = string;

/** The choice the filters make for a key (the first filter on it), for the key's selector. */
export function tagChoice(filters: readonly string[], key: string): TagChoice {
  for (const f of filters) {
    const neg = f.startsWith('!');
    const body = neg ? f.slice(1) : f;
    const i = body.indexOf(':');
    if (i < 0 || body.slice(0, i) !== key) continue;
    const v = body.slice(i + 1);
    if (v === '*') return neg ? '' : '*';
    return (neg ? '!' : '=') + v;
  }
  return '';
}

/** The filters with the key's filter replaced by the choice. */
export function withTagChoice(filters: readonly string[], key: string, choice: TagChoice): string[] {
  const others = filters.filter((f) => {
    const body = f.startsWith('!') ? f.slice(1) : f;
    return body.slice(0, body.indexOf(':')) !== key;
  });
  if (!choice) return others;
  if (choice === '*') return [...others, `${key}:*`];
  const v = choice.slice(1);
  return [...others, choice.startsWith('!') ? `!${key}:${v}` : `${key}:${v}`];
}

/** A series' legend label: its group tags, or the metric when it has none. */
export function seriesLabel(tags: Record<string, string>, metric: string): string {
  const entries = Object.entries(tags);
  return entries.length ? entries.map(([k, v]) => `${k}:${v}`).join(', ') : metric;
}

/**
 * uPlot wants one shared x array (seconds) and one y array per series with null where a series has no point.
 * Points come at step starts, so the union of all times is the x axis.
 */
export function alignSeries(result: Pick<QueryResult, 'series'>): { xs: number[]; ys: (number | null)[][] } {
  const times = new Set<number>();
  for (const s of result.series) for (const p of s.points) times.add(p[0]);
  const xsMs = [...times].sort((a, b) => a - b);
  const index = new Map(xsMs.map((t, i) => [t, i]));
  const ys = result.series.map((s) => {
    const y: (number | null)[] = new Array(xsMs.length).fill(null);
    for (const p of s.points) y[index.get(p[0])!] = p[1] ?? null;
    return y;
  });
  return { xs: xsMs.map((t) => t / 1000), ys };
}

/** min, max and last value of a series, ignoring gaps. */
export function seriesStats(points: readonly (readonly [number, number | null] | (number | null)[])[]): {
  count: number; min: number | null; max: number | null; last: number | null;
} {
  let min: number | null = null;
  let max: number | null = null;
  let last: number | null = null;
  let count = 0;
  for (const p of points) {
    const v = p[1];
    if (v === null || v === undefined) continue;
    count += 1;
    min = min === null ? v : Math.min(min, v);
    max = max === null ? v : Math.max(max, v);
    last = v;
  }
  return { count, min, max, last };
}

/** A step in ms as its largest whole unit: 1m, 2h, 1d. */
export function formatStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${ms / 60_000}m`;
}
