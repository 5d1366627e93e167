import { h, clear, field, select, formatTime } from '../ui/dom';
import { errorBox, fieldProblems, isNotAvailable, notAvailableBox, showFieldProblems } from '../ui/errors';
import { renderChart, type Band } from '../ui/chart';
import { AGGS } from '../api/types';
import { NO_DATA_POLICIES, SEVERITIES, type BacktestResult } from '../api/alerting';
import {
  backtestChartData, firingPeriods, formFromQuery, formToMonitor, monitorToForm, validateForm, type FormProblem, type ThresholdForm,
} from './monitor-form';
import { seriesLabel } from './explorer-state';
import type { Page, PageContext } from './page';

type TextKey = { [K in keyof ThresholdForm]-?: ThresholdForm[K] extends string ? K : never }[keyof ThresholdForm];

/** The editor of a threshold monitor, with a backtest preview of when it would have fired. */
export function monitorEditorPage(ctx: PageContext, id: string | null): Page {
  let form: ThresholdForm = formFromQuery(ctx.params);
  const charts: { destroy: () => void }[] = [];
  const metricList = h('datalist', { id: 'monitor-metrics' });
  // Suggestions only: the field takes any name, so a failed lookup changes nothing.
  ctx.api.listMetrics().then((r) => clear(metricList, (r.metrics ?? []).map((m) => h('option', { value: m.name }, m.type)))).catch(() => {});
  const formEl = h('form', { class: 'panel editor', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void save(); } });
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const preview = h('div', { class: 'panel backtest', 'aria-live': 'polite' });
  const el = h('section', {},
    h('h1', { tabindex: '-1' }, id ? 'Edit monitor' : 'New threshold monitor'),
    messages,
    h('div', { class: 'editor-grid' }, formEl, preview));

  const text = (key: TextKey, label: string, path: string, attrs: Record<string, unknown> = {}, hint?: string) => field(label,
    h('input', { name: key, 'data-field': path, value: form[key], spellcheck: 'false', ...attrs,
      oninput: (e: Event) => { (form[key] as string) = (e.target as HTMLInputElement).value; } }), hint);
  const choice = <K extends keyof ThresholdForm>(key: K, label: string, path: string, options: readonly string[]) => field(label,
    select(options, String(form[key]), { name: key, 'data-field': path,
      onchange: (e: Event) => { (form[key] as unknown) = (e.target as HTMLSelectElement).value; } }));

  function renderForm(): void {
    clear(formEl,
      text('name', 'Name', 'name', { required: true, maxlength: 200 }),
      h('fieldset', {}, h('legend', {}, 'Query'),
        text('metric', 'Metric', 'query.metric', { required: true, list: 'monitor-metrics' }),
        metricList,
        text('filters', 'Filters', 'query.filters', {}, 'As in the explorer: service:checkout, !env:staging'),
        text('groupBy', 'Group by', 'query.groupBy', {}, 'Tag keys, comma separated: one alert per group.'),
        h('div', { class: 'row' }, choice('agg', 'Aggregation', 'query.agg', AGGS), text('window', 'Window', 'query.window'))),
      h('fieldset', {}, h('legend', {}, 'Condition'),
        h('div', { class: 'row' }, choice('op', 'Fires when the value is', 'condition.op', ['above', 'below']),
          text('critical', 'Critical', 'condition.critical', { inputmode: 'decimal', required: true })),
        h('div', { class: 'row' }, text('warning', 'Warning', 'condition.warning', { inputmode: 'decimal' }),
          text('recovery', 'Recovery', 'condition.recovery', { inputmode: 'decimal' }))),
      h('fieldset', {}, h('legend', {}, 'Evaluation'),
        h('div', { class: 'row' }, text('every', 'Every', 'evaluation.every'), text('delay', 'Delay', 'evaluation.delay')),
        h('div', { class: 'row' }, text('datapoints', 'Breaching', 'evaluation.datapoints', { inputmode: 'numeric' }),
          text('outOf', 'out of', 'evaluation.outOf', { inputmode: 'numeric' })),
        h('div', { class: 'row' }, text('pendingFor', 'Pending for', 'evaluation.pendingFor'),
          text('keepFiringFor', 'Keep firing for', 'evaluation.keepFiringFor')),
        choice('noData', 'When there is no data', 'evaluation.noData', NO_DATA_POLICIES)),
      h('fieldset', {}, h('legend', {}, 'Notification'),
        h('div', { class: 'row' }, choice('severity', 'Severity', 'severity', SEVERITIES), text('priority', 'Priority (1–5)', 'priority', { inputmode: 'numeric' })),
        text('message', 'Message', 'message', {}, 'Template: {{monitor.name}}, {{value}}, {{group.<key>}}'),
        text('runbook', 'Runbook URL', 'runbook'),
        text('owner', 'Owner', 'owner'),
        text('channels', 'Channels', 'notify.channels', {}, 'Channel ids, comma separated; empty lets the routes decide.'),
        h('div', { class: 'field checkbox' }, h('input', { type: 'checkbox', id: 'mon-enabled', name: 'enabled', checked: form.enabled,
          onchange: (e: Event) => { form.enabled = (e.target as HTMLInputElement).checked; } }), h('label', { for: 'mon-enabled' }, 'Enabled'))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => void backtest() }, 'Backtest (last 7 days)'),
        h('button', { type: 'submit' }, id ? 'Save' : 'Create monitor')));
  }

  const showProblems = (problems: FormProblem[]): void => showFieldProblems(formEl, problems);

  async function save(): Promise<void> {
    const problems = validateForm(form);
    showProblems(problems);
    messages.replaceChildren();
    if (problems.length) return;
    try {
      const saved = await ctx.api.saveMonitor(formToMonitor(form), form.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Saved “${saved?.name ?? form.name}”.`));
      if (!id && saved?.id) ctx.navigate(`#/monitors/${encodeURIComponent(saved.id)}`);
      else if (saved) { form = monitorToForm(saved); renderForm(); }
    } catch (e) {
      showProblems(fieldProblems(e));
      messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Monitors') : errorBox(e));
    }
  }

  async function backtest(): Promise<void> {
    const problems = validateForm(form);
    showProblems(problems);
    if (problems.length) return;
    charts.splice(0).forEach((c) => c.destroy());
    clear(preview, h('p', { class: 'status' }, 'Running the backtest…'));
    try {
      // The range is the server's last 7 days (its clock, not this browser's); the answer says which range it was.
      const result = await ctx.api.backtest({ monitor: formToMonitor(form), from: '-7d', to: 'now' });
      renderBacktest(preview, result, result.to, charts);
    } catch (e) {
      showProblems(fieldProblems(e));
      clear(preview, isNotAvailable(e) ? notAvailableBox('Backtests') : errorBox(e));
    }
  }

  renderForm();
  clear(preview, h('h2', {}, 'Backtest'), h('p', { class: 'muted' }, 'Run a backtest to see when this monitor would have fired over the last 7 days.'));
  if (id) {
    ctx.api.getMonitor(id).then((m) => { form = monitorToForm(m); renderForm(); },
      (e: unknown) => messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Monitors') : errorBox(e)));
  }
  return { el, destroy: () => charts.forEach((c) => c.destroy()) };
}

/** One chart per alert instance: the series, the threshold lines, and the firing periods shaded. */
export function renderBacktest(container: HTMLElement, result: BacktestResult, rangeEnd: number, charts: { destroy: () => void }[],
  draw: typeof renderChart = renderChart): void {
  const instances = result.instances ?? [];
  const firingTotal = instances.reduce((n, i) => n + firingPeriods(i, rangeEnd).length, 0);
  clear(container, h('h2', {}, 'Backtest'),
    h('p', { class: 'status', 'data-testid': 'backtest-summary' },
      instances.length ? `${instances.length} group${instances.length === 1 ? '' : 's'}; would have fired ${firingTotal} time${firingTotal === 1 ? '' : 's'}.`
        : 'No data for this query in the range: the monitor would not have fired.'));
  for (const inst of instances) {
    const data = backtestChartData(inst);
    const periods = firingPeriods(inst, rangeEnd);
    const bands: Band[] = periods.map((p) => ({ from: p.from, to: p.to, color: 'rgba(213, 94, 0, 0.18)' }));
    const box = h('div', { class: 'chart', 'data-bands': String(bands.length) });
    const label = seriesLabel(inst.group ?? {}, 'all series');
    container.append(h('h3', {}, label), box,
      periods.length ? h('ul', { class: 'periods', 'aria-label': `Firing periods of ${label}` }, periods.map((p) => h('li', { 'data-from': String(p.from), 'data-to': String(p.to), 'data-open': String(p.open) },
        `firing ${formatTime(p.from)} → ${p.open ? 'end of range (still firing)' : formatTime(p.to)}`)))
        : h('p', { class: 'muted' }, 'Never fired.'));
    if (!data.xs.length) continue;
    const series = [{ label: 'value', values: data.values }];
    if (data.critical) series.push({ label: 'critical', values: data.critical, color: '#D55E00', dash: [6, 4], width: 1.5 } as never);
    if (data.warning) series.push({ label: 'warning', values: data.warning, color: '#E69F00', dash: [3, 3], width: 1.5 } as never);
    charts.push(draw(box, { title: '', xs: data.xs, series, bands, height: 240 })); // the h3 names it
  }
}
