import { h, clear, formatNumber, formatTime, select, field } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import { ALERT_STATES, SEVERITIES, type AlertDetail, type AlertInstance, type AlertState, type AlertSummary, type Severity } from '../api/alerting';
import { seriesLabel } from './explorer-state';
import type { Page, PageContext } from './page';

/** The total, the counts by state and the active instances by severity (`GET /v1/alerts/summary`). */
export function summaryView(s: AlertSummary): HTMLElement {
  const groups: [string, Record<string, number>][] = [['Total', { alerts: s.total }], ['State', s.byState], ['Active by severity', s.bySeverity]];
  return h('div', { class: 'summary', 'data-testid': 'alert-summary' }, groups.map(([title, counts]) =>
    h('dl', { class: 'counts', 'aria-label': title }, h('div', { class: 'counts-title' }, title),
      Object.entries(counts).map(([name, n]) => h('div', { class: `count state-${name} sev-${name}` }, h('dt', {}, name), h('dd', {}, String(n)))))));
}

export function alertRow(a: AlertInstance, act: (a: AlertInstance, action: 'ack' | 'resolve') => void): HTMLElement {
  const active = a.state !== 'OK' && a.state !== 'RESOLVED';
  return h('tr', { 'data-id': a.id, 'data-state': a.state },
    h('td', {}, h('span', { class: `badge state-${a.state}` }, a.state)),
    h('td', {}, h('span', { class: `badge sev-${a.severity}` }, a.severity)),
    h('td', {}, h('a', { href: `#/alerts/${encodeURIComponent(a.id)}` }, a.monitorName ?? a.monitorId)),
    h('td', {}, seriesLabel(a.group ?? {}, '—')),
    h('td', { class: 'num' }, formatNumber(a.value ?? null), a.threshold !== undefined && a.threshold !== null ? ` / ${formatNumber(a.threshold)}` : ''),
    h('td', {}, formatTime(a.since)),
    h('td', {}, a.acknowledged ? `by ${a.acknowledged.by}${a.acknowledged.note ? `: ${a.acknowledged.note}` : ''}` : a.silenced ? 'silenced' : ''),
    h('td', { class: 'actions' },
      active && !a.acknowledged ? h('button', { type: 'button', class: 'small', onclick: () => act(a, 'ack'), 'aria-label': `Acknowledge ${a.monitorName ?? a.id}` }, 'Ack') : null,
      active ? h('button', { type: 'button', class: 'small secondary', onclick: () => act(a, 'resolve'), 'aria-label': `Resolve ${a.monitorName ?? a.id}` }, 'Resolve') : null));
}

export function alertsPage(ctx: PageContext): Page {
  let state = ctx.params.get('state') ?? '';
  let severity = ctx.params.get('severity') ?? '';
  const summary = h('div', { class: 'panel' });
  const list = h('div', { class: 'panel' });
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const who = h('input', { name: 'actor', value: ctx.session.actor, onchange: (e: Event) => { ctx.session.actor = (e.target as HTMLInputElement).value; } });
  const filters = h('form', { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
    field('State', select([['', 'any'], ...ALERT_STATES.map((s): [string, string] => [s, s])], state, { name: 'state',
      onchange: (e: Event) => { state = (e.target as HTMLSelectElement).value; sync(); } })),
    field('Severity', select([['', 'any'], ...SEVERITIES.map((s): [string, string] => [s, s])], severity, { name: 'severity',
      onchange: (e: Event) => { severity = (e.target as HTMLSelectElement).value; sync(); } })),
    field('Acting as', who, 'Recorded in the audit log with each ack or resolve.'));
  const el = h('section', {}, h('h1', { tabindex: '-1' }, 'Alerts'), messages, summary, filters, list);

  function sync(): void {
    const p = new URLSearchParams();
    if (state) p.set('state', state);
    if (severity) p.set('severity', severity);
    ctx.replaceParams(p);
    void load();
  }

  async function act(a: AlertInstance, action: 'ack' | 'resolve'): Promise<void> {
    const note = window.prompt(`${action === 'ack' ? 'Acknowledge' : 'Resolve'} “${a.monitorName ?? a.id}”: note (optional)`) ;
    if (note === null) return;
    try {
      if (action === 'ack') await ctx.api.ackAlert(a.id, ctx.session.actor, note);
      else await ctx.api.resolveAlert(a.id, ctx.session.actor, note);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `${action === 'ack' ? 'Acknowledged' : 'Resolved'} ${a.monitorName ?? a.id}.`));
      await load();
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  async function load(): Promise<void> {
    try {
      const [s, alerts] = await Promise.all([ctx.api.alertSummary(), ctx.api.listAlerts({
        state: ALERT_STATES.includes(state as AlertState) ? state as AlertState : undefined,
        severity: SEVERITIES.includes(severity as Severity) ? severity as Severity : undefined,
      })]);
      clear(summary, h('h2', {}, 'Status'), summaryView(s));
      clear(list, alerts.length ? h('table', { class: 'data', 'data-testid': 'alerts-table' },
        h('thead', {}, h('tr', {}, ['state', 'severity', 'monitor', 'group', 'value / threshold', 'since', 'acknowledged', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, alerts.map((a) => alertRow(a, (x, action) => void act(x, action)))))
        : h('p', { class: 'empty' }, 'No alerts match.'));
    } catch (e) {
      if (isNotAvailable(e)) {
        summary.remove();
        filters.remove();
        clear(list, notAvailableBox('Alerting'));
      } else {
        clear(list, errorBox(e));
      }
    }
  }

  void load();
  return { el };
}

/** One alert: where it stands, and every state change it went through. */
export function alertDetailView(a: AlertDetail): HTMLElement {
  const rows: [string, Node | string][] = [
    ['state', h('span', { class: `badge state-${a.state}` }, a.state)],
    ['severity', h('span', { class: `badge sev-${a.severity}` }, a.severity)],
    ['monitor', a.monitorId ? h('a', { href: `#/monitors/${encodeURIComponent(a.monitorId)}` }, a.monitorName ?? a.monitorId) : ''],
    ['group', seriesLabel(a.group ?? {}, '—')],
    ['value / threshold', `${formatNumber(a.value ?? null)} / ${formatNumber(a.threshold ?? null)}`],
    ['since', formatTime(a.since)],
    ['last evaluated', formatTime(a.lastEvaluatedAt)],
    ['acknowledged', a.acknowledged ? `by ${a.acknowledged.by} at ${formatTime(a.acknowledged.at)}${a.acknowledged.note ? `: ${a.acknowledged.note}` : ''}` : 'no'],
    ['silenced', a.silenced ? 'yes' : 'no'],
  ];
  const transitions = a.transitions ?? [];
  return h('div', { 'data-testid': 'alert-detail' },
    h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    h('h2', {}, 'State changes (newest first)'),
    transitions.length ? h('table', { class: 'data', 'data-testid': 'transitions' },
      h('thead', {}, h('tr', {}, ['at', 'from', 'to', 'severity', 'value'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, transitions.map((t) => h('tr', {},
        h('td', {}, formatTime(t.at)), h('td', {}, t.from), h('td', {}, t.to), h('td', {}, t.severity),
        h('td', { class: 'num' }, formatNumber(t.value))))))
      : h('p', { class: 'muted' }, 'No state changes recorded.'));
}

export function alertDetailPage(ctx: PageContext, id: string): Page {
  const body = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  // A 404 here most likely means this alert is gone, so it is shown as the API's error, not "not available".
  ctx.api.getAlert(id).then((a) => clear(body, alertDetailView(a)), (e: unknown) => clear(body, errorBox(e)));
  return { el: h('section', {}, h('p', {}, h('a', { href: '#/alerts' }, '← Alerts')), h('h1', { tabindex: '-1' }, 'Alert'), body) };
}
