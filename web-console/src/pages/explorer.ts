import { h, clear, field, select, formatNumber, formatTime, uid } from '../ui/dom';
import { errorBox } from '../ui/errors';
import { renderChart, PALETTE, type ChartMarker } from '../ui/chart';
import type { MetricInfo, QueryResult, StoredEvent } from '../api/types';
import { AGGS } from '../api/types';
import {
  alignSeries, formatStep, queryParams, seriesLabel, seriesStats, stateFromParams, stateToParams, tagChoice, withTagChoice,
  type ExplorerState,
} from './explorer-state';
import type { Page, PageContext } from './page';

const RANGES: [string, string][] = [['-15m', 'last 15 minutes'], ['-1h', 'last hour'], ['-6h', 'last 6 hours'],
  ['-1d', 'last day'], ['-7d', 'last 7 days'], ['-30d', 'last 30 days'], ['-365d', 'last year']];

export function explorerPage(ctx: PageContext): Page {
  let state: ExplorerState = stateFromParams(ctx.params);
  let metrics: MetricInfo[] = [];
  let tags: Record<string, string[]> = {};
  let seq = 0;
  let chart: { destroy: () => void } | null = null;

  const controls = h('form', { class: 'panel controls', 'aria-label': 'Query', onsubmit: (e: Event) => e.preventDefault() });
  const status = h('p', { class: 'status', 'aria-live': 'polite' });
  const chartBox = h('div', { class: 'chart', 'data-testid': 'chart' });
  const details = h('div', { class: 'details' });
  const errors = h('div', { class: 'errors' });
  const el = h('section', { class: 'explorer' },
    h('h1', { tabindex: '-1' }, 'Metrics explorer'),
    h('div', { class: 'explorer-grid' }, controls, h('div', { class: 'panel results' }, errors, status, chartBox, details)));

  function update(patch: Partial<ExplorerState>): void {
    state = { ...state, ...patch };
    ctx.replaceParams(stateToParams(state));
    renderControls();
    void run();
  }

  function renderControls(): void {
    // The controls are rebuilt on each change: keep the keyboard focus on the control that had it.
    const focused = controls.contains(document.activeElement) ? document.activeElement?.getAttribute('name') : null;
    buildControls();
    if (focused) [...controls.querySelectorAll<HTMLElement>('[name]')].find((e) => e.getAttribute('name') === focused)?.focus();
  }

  function buildControls(): void {
    const metricSel = select([['', metrics.length ? '— choose a metric —' : '(no metrics yet)'],
      ...metrics.map((m): [string, string] => [m.name, `${m.name} (${m.type})`])], state.metric,
    { name: 'metric', onchange: (e: Event) => { tags = {}; update({ metric: (e.target as HTMLSelectElement).value, filters: [], groupBy: [] }); void loadTags(); } });
    if (state.metric && !metrics.some((m) => m.name === state.metric)) {
      metricSel.appendChild(h('option', { value: state.metric, selected: true }, state.metric));
    }
    const aggSel = select(AGGS, state.agg, { name: 'agg', onchange: (e: Event) => update({ agg: (e.target as HTMLSelectElement).value as ExplorerState['agg'] }) });
    const rangeSel = select([...RANGES, ['custom', 'custom']], RANGES.some(([v]) => v === state.from) && state.to === 'now' ? state.from : 'custom',
      { name: 'range', onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; if (v !== 'custom') update({ from: v, to: 'now' }); } });
    const fromIn = h('input', { name: 'from', value: state.from, spellcheck: 'false', onchange: (e: Event) => update({ from: (e.target as HTMLInputElement).value.trim() || '-1h' }) });
    const toIn = h('input', { name: 'to', value: state.to, spellcheck: 'false', onchange: (e: Event) => update({ to: (e.target as HTMLInputElement).value.trim() || 'now' }) });
    const stepIn = h('input', { name: 'step', value: state.step, placeholder: 'auto', spellcheck: 'false', onchange: (e: Event) => update({ step: (e.target as HTMLInputElement).value.trim() }) });
    const evIn = h('input', { type: 'checkbox', name: 'events', checked: state.events, onchange: (e: Event) => update({ events: (e.target as HTMLInputElement).checked }) });

    const tagRows = Object.keys(tags).sort().map((key) => {
      const values = tags[key] ?? [];
      const choice = tagChoice(state.filters, key);
      const sel = h('select', { name: `tag-${key}`, 'data-tag': key,
        onchange: (e: Event) => update({ filters: withTagChoice(state.filters, key, (e.target as HTMLSelectElement).value) }) },
      h('option', { value: '', selected: choice === '' }, 'any'),
      h('option', { value: '*', selected: choice === '*' }, 'has the tag'),
      h('optgroup', { label: 'is' }, values.map((v) => h('option', { value: `=${v}`, selected: choice === `=${v}` }, v))),
      h('optgroup', { label: 'is not' }, values.map((v) => h('option', { value: `!${v}`, selected: choice === `!${v}` }, `not ${v}`))));
      const gid = uid('group');
      const group = h('input', { type: 'checkbox', id: gid, name: `groupBy-${key}`, 'data-group': key, checked: state.groupBy.includes(key),
        onchange: (e: Event) => update({ groupBy: (e.target as HTMLInputElement).checked ? [...state.groupBy, key] : state.groupBy.filter((g) => g !== key) }) });
      return h('tr', {},
        h('th', { scope: 'row' }, key),
        h('td', {}, sel),
        h('td', { class: 'center' }, group, h('label', { for: gid, class: 'sr-only' }, `group by ${key}`)));
    });
    clear(controls,
      field('Metric', metricSel),
      field('Aggregation', aggSel, 'Percentiles need a distribution; sum adds up a counter.'),
      field('Range', rangeSel),
      h('div', { class: 'row' }, field('From', fromIn), field('To', toIn)),
      field('Step', stepIn, 'Whole minutes: 60s, 5m, 1h, 1d. Empty picks one.'),
      h('div', { class: 'field checkbox' }, evIn, h('label', { for: evIn.id || (evIn.id = uid()) }, 'Show events')),
      state.metric ? h('fieldset', { class: 'tags' },
        h('legend', {}, 'Tags'),
        tagRows.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'key'), h('th', { scope: 'col' }, 'filter'), h('th', { scope: 'col' }, 'group'))),
          h('tbody', {}, tagRows)) : h('p', { class: 'muted' }, 'This metric has no tags.'),
        state.filters.length ? h('p', { class: 'muted small' }, 'Filters: ', state.filters.map((f) => h('code', { class: 'chip' }, f))) : null)
        : null,
      h('div', { class: 'actions start' },
        h('button', { type: 'button', class: 'secondary', onclick: () => void run() }, 'Refresh'),
        h('button', { type: 'button', class: 'secondary', onclick: (e: Event) => void copyLink(e.target as HTMLButtonElement) }, 'Copy link'),
        state.metric ? h('a', { class: 'button secondary', href: monitorLink(state) }, 'New monitor') : null),
      h('p', { class: 'hint' }, 'Drag across the chart to zoom into a time range.'));
  }

  async function copyLink(button: HTMLButtonElement): Promise<void> {
    try {
      await navigator.clipboard.writeText(location.href);
      button.textContent = 'Link copied';
    } catch {
      button.textContent = 'Copy the address bar';
    }
    setTimeout(() => { button.textContent = 'Copy link'; }, 2000);
  }

  async function loadTags(): Promise<void> {
    if (!state.metric) return;
    try {
      const t = await ctx.api.listTags(state.metric);
      if (t.metric === state.metric) {
        tags = t.tags as Record<string, string[]>;
        renderControls();
      }
    } catch (e) {
      errors.replaceChildren(errorBox(e));
    }
  }

  async function run(): Promise<void> {
    const mine = ++seq;
    errors.replaceChildren();
    if (!state.metric) {
      chart?.destroy();
      chart = null;
      clear(chartBox, h('p', { class: 'empty' }, metrics.length ? 'Choose a metric to see its chart.' : 'No metrics yet: send some to POST /v1/metrics.'));
      details.replaceChildren();
      status.textContent = '';
      return;
    }
    status.textContent = 'Loading…';
    try {
      const [result, events] = await Promise.all([
        ctx.api.query(queryParams(state)),
        state.events ? ctx.api.listEvents({ from: state.from, to: state.to }).then((r) => r.events) : Promise.resolve([] as StoredEvent[]),
      ]);
      if (mine !== seq) return;
      draw(result, events);
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = 'The chart below is from the last query that worked.';
      chartBox.classList.add('stale');
      details.classList.add('stale');
      errors.replaceChildren(errorBox(e));
    }
  }

  function draw(result: QueryResult, events: StoredEvent[]): void {
    chartBox.classList.remove('stale');
    details.classList.remove('stale');
    chart?.destroy();
    chart = null;
    chartBox.replaceChildren();
    const { xs, ys } = alignSeries(result);
    const labels = result.series.map((s) => seriesLabel(s.tags, result.metric));
    const lo = result.from;
    const hi = result.to;
    const shown = events.filter((e) => e.time >= lo && e.time <= hi);
    status.replaceChildren(
      h('span', { 'data-testid': 'series-count' }, `${result.series.length} series`), ' · ',
      `${result.agg} per ${formatStep(result.step)}`, ' · ',
      h('span', { 'data-testid': 'tiers' }, `tiers read: ${result.tiers.length ? result.tiers.join(' → ') : 'none'}`), ' · ',
      `${shown.length} event${shown.length === 1 ? '' : 's'}`);
    if (!result.series.length) {
      clear(chartBox, h('p', { class: 'empty' }, 'No data for this query in this range.'));
    } else {
      const markers: ChartMarker[] = shown.map((e) => ({ time: e.time, label: e.title, detail: `${e.kind}${Object.keys(e.tags).length ? ` · ${seriesLabel(e.tags, '')}` : ''}` }));
      const title = `${result.agg}(${result.metric})${state.groupBy.length ? ` by ${state.groupBy.join(', ')}` : ''}`;
      chartBox.setAttribute('role', 'figure');
      chartBox.setAttribute('aria-label', `Chart of ${title}: ${result.series.length} series and ${shown.length} events, listed in the tables below`);
      chart = renderChart(chartBox, {
        title,
        xs, series: labels.map((label, i) => ({ label, values: ys[i]! })), markers,
        onZoom: (a, b) => update({ from: isoSeconds(Math.floor(a / 1000) * 1000), to: isoSeconds(Math.ceil(b / 1000) * 1000), step: '' }),
      });
    }
    clear(details,
      result.series.length ? h('table', { class: 'data', 'data-testid': 'series-table' },
        h('caption', {}, 'Series'),
        h('thead', {}, h('tr', {}, ['', 'series', 'points', 'min', 'max', 'last'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, result.series.map((s, i) => {
          const st = seriesStats(s.points);
          return h('tr', { 'data-series': labels[i] },
            h('td', {}, h('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}` })),
            h('td', {}, labels[i]), h('td', { class: 'num' }, st.count), h('td', { class: 'num' }, formatNumber(st.min)),
            h('td', { class: 'num' }, formatNumber(st.max)), h('td', { class: 'num' }, formatNumber(st.last)));
        }))) : null,
      shown.length ? h('table', { class: 'data', 'data-testid': 'events-table' },
        h('caption', {}, 'Events'),
        h('thead', {}, h('tr', {}, ['time', 'kind', 'title', 'tags'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, shown.map((e) => h('tr', {},
          h('td', {}, formatTime(e.time)), h('td', {}, h('span', { class: 'badge' }, e.kind)),
          h('td', {}, e.link && /^https?:\/\//.test(e.link) ? h('a', { href: e.link, rel: 'noopener noreferrer', target: '_blank' }, e.title) : e.title),
          h('td', {}, seriesLabel(e.tags, ''))))))
        : null);
  }

  async function init(): Promise<void> {
    renderControls();
    try {
      metrics = (await ctx.api.listMetrics()).metrics;
    } catch (e) {
      errors.replaceChildren(errorBox(e));
      return;
    }
    renderControls();
    await Promise.all([loadTags(), run()]);
  }

  void init();
  return { el, destroy: () => { seq += 1; chart?.destroy(); } };
}

/** RFC 3339 in UTC without milliseconds, a time expression the API reads. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The monitor editor, pre-filled with this query (metric, filters, group-by, aggregation). */
export function monitorLink(s: ExplorerState): string {
  const p = new URLSearchParams();
  p.set('metric', s.metric);
  for (const f of s.filters) p.append('filter', f);
  for (const g of s.groupBy) p.append('groupBy', g);
  p.set('agg', s.agg);
  return `#/monitors/new?${p.toString()}`;
}
