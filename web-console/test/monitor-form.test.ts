import { describe, expect, it } from 'vitest';
import {
  EMPTY_FORM, backtestChartData, firingPeriods, formToMonitor, monitorToForm, toMillis, validateForm,
} from '../src/pages/monitor-form';
import type { AlertState, BacktestInstance } from '../src/api/alerting';

const valid = { ...EMPTY_FORM, name: 'Checkout latency', metric: 'http.latency', filters: 'service:checkout, !env:staging',
  groupBy: 'service', agg: 'p99', critical: '500', warning: '300', recovery: '450', channels: 'ch_1' };

describe('threshold monitor form', () => {
  it('becomes the monitor JSON of the alerting contract', () => {
    expect(formToMonitor(valid)).toEqual({
      name: 'Checkout latency', kind: 'threshold',
      query: { metric: 'http.latency', filters: ['service:checkout', '!env:staging'], groupBy: ['service'], agg: 'p99', window: '5m' },
      condition: { op: 'above', critical: 500, warning: 300, recovery: 450 },
      evaluation: { every: '1m', delay: '0m', datapoints: 1, outOf: 1, pendingFor: '0m', keepFiringFor: '0m', noData: 'no_data' },
      severity: 'critical', priority: 3, message: '{{monitor.name}}: {{value}}', notify: { channels: ['ch_1'] }, enabled: true,
    });
  });

  it('leaves optional thresholds out when empty', () => {
    const m = formToMonitor({ ...valid, warning: '', recovery: '' });
    expect(m.condition).toEqual({ op: 'above', critical: 500 });
  });

  it('round-trips a stored monitor, keeping its id and version', () => {
    const input = formToMonitor(valid);
    const stored = { ...input, id: 'mon_1', version: 4, createdAt: '2026-11-22T00:00:00Z', updatedAt: '2026-11-22T00:00:00Z',
      evaluation: input.evaluation!, severity: input.severity!, priority: input.priority!, tags: {}, notify: { channels: ['ch_1'] }, enabled: true };
    const form = monitorToForm(stored);
    expect(form.id).toBe('mon_1');
    expect(formToMonitor(form)).toEqual({ ...input, version: 4 });
  });

  it('accepts a complete form', () => {
    expect(validateForm(valid)).toEqual([]);
  });

  it('names each missing or malformed field by its JSON path', () => {
    const p = validateForm({ ...EMPTY_FORM, critical: 'abc', window: '5 minutes', datapoints: '3', outOf: '2', priority: '9' });
    expect(p.map((x) => x.field)).toEqual(['name', 'query.metric', 'condition.critical', 'evaluation.datapoints', 'priority', 'query.window']);
  });

  it('refuses a warning beyond the critical threshold', () => {
    expect(validateForm({ ...valid, warning: '600' })).toEqual([{ field: 'condition.warning', reason: 'must not be above critical for op "above"' }]);
    expect(validateForm({ ...valid, op: 'below', critical: '10', warning: '5', recovery: '' })[0]?.field).toBe('condition.warning');
  });
});

describe('backtest', () => {
  const inst = (timeline: BacktestInstance['timeline']): BacktestInstance => ({
    group: { service: 'checkout' }, timeline, notifications: [], series: { times: [], values: [] }, thresholds: {},
  });
  const tr = (at: number, from: AlertState, to: AlertState) => ({ at, from, to, value: null, threshold: null });

  it('reads times as epoch ms or RFC 3339', () => {
    expect(toMillis(1000)).toBe(1000);
    expect(toMillis('1000')).toBe(1000);
    expect(toMillis('1970-01-01T00:00:02Z')).toBe(2000);
    expect(toMillis('soon')).toBeNull();
  });

  it('derives firing periods from the state transitions, an open one up to the end of the range', () => {
    expect(firingPeriods(inst([tr(1000, 'OK', 'FIRING'), tr(2000, 'FIRING', 'RESOLVED'), tr(5000, 'RESOLVED', 'FIRING')]), 9000)).toEqual([
      { from: 1000, to: 2000, open: false }, { from: 5000, to: 9000, open: true },
    ]);
  });

  it('starts a period only at FIRING (not PENDING) and keeps it through a change of severity', () => {
    expect(firingPeriods(inst([tr(1000, 'OK', 'PENDING'), tr(3000, 'PENDING', 'FIRING'), tr(4000, 'FIRING', 'FIRING'),
      tr(6000, 'FIRING', 'NO_DATA'), tr(7000, 'NO_DATA', 'RESOLVED')]), 9000)).toEqual([{ from: 3000, to: 6000, open: false }]);
  });

  it('reads the transitions in time order whatever order they come in', () => {
    expect(firingPeriods(inst([tr(2000, 'FIRING', 'RESOLVED'), tr(1000, 'OK', 'FIRING')]), 9000)).toEqual([{ from: 1000, to: 2000, open: false }]);
  });

  it('shades nothing for a timeline that never fired', () => {
    expect(firingPeriods(inst([tr(1000, 'OK', 'PENDING'), tr(2000, 'PENDING', 'OK')]), 9000)).toEqual([]);
  });

  it('charts the series in time order with flat threshold lines', () => {
    const d = backtestChartData({ group: {}, timeline: [], notifications: [], series: { times: [120_000, 60_000], values: [7, 5] },
      thresholds: { critical: 6 } });
    expect(d).toEqual({ xs: [60, 120], values: [5, 7], critical: [6, 6], warning: null });
  });
});

describe('a monitor from an explorer chart', () => {
  it('starts the editor with the chart\'s metric, filters, group-by and aggregation', async () => {
    const { monitorLink } = await import('../src/pages/explorer');
    const { formFromQuery } = await import('../src/pages/monitor-form');
    const link = monitorLink({ metric: 'http.latency', filters: ['service:checkout', '!env:dev'], groupBy: ['region'], agg: 'p99',
      from: '-7d', to: 'now', step: '1h', events: true });
    expect(link.startsWith('#/monitors/new?')).toBe(true);
    const form = formFromQuery(new URLSearchParams(link.split('?')[1]));
    expect(formToMonitor({ ...form, name: 'x', critical: '1' }).query)
      .toEqual({ metric: 'http.latency', filters: ['service:checkout', '!env:dev'], groupBy: ['region'], agg: 'p99', window: '5m' });
  });
});
