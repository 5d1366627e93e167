import { h, clear, formatTime } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { Monitor } from '../api/alerting';
import type { Page, PageContext } from './page';

export function conditionSummary(m: Monitor): string {
  const c = m.condition as Record<string, unknown> | undefined;
  if (m.kind === 'threshold' && c) {
    const parts = [`${c.op ?? 'above'} ${c.critical}`];
    if (c.warning !== undefined) parts.push(`warn ${c.warning}`);
    return `${m.query?.agg ?? 'avg'}(${m.query?.metric ?? '?'}) over ${m.query?.window ?? '?'} ${parts.join(', ')}`;
  }
  return m.kind;
}

export function monitorsTable(monitors: Monitor[]): HTMLElement {
  if (!monitors.length) return h('p', { class: 'empty' }, 'No monitors yet.');
  return h('table', { class: 'data', 'data-testid': 'monitors-table' },
    h('thead', {}, h('tr', {}, ['name', 'kind', 'condition', 'severity', 'enabled', 'updated'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, monitors.map((m) => h('tr', { 'data-id': m.id },
      h('td', {}, m.kind === 'threshold' && m.id ? h('a', { href: `#/monitors/${encodeURIComponent(m.id)}` }, m.name) : m.name),
      h('td', {}, m.kind),
      h('td', {}, h('code', {}, conditionSummary(m))),
      h('td', {}, h('span', { class: `badge sev-${m.severity ?? 'critical'}` }, m.severity ?? 'critical')),
      h('td', {}, m.enabled === false ? 'no' : 'yes'),
      h('td', {}, formatTime(m.updatedAt ?? m.createdAt), m.updatedBy ? ` by ${m.updatedBy}` : '')))));
}

export function monitorsPage(ctx: PageContext): Page {
  const body = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  const el = h('section', {},
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, 'Monitors'),
      h('a', { class: 'button', href: '#/monitors/new' }, 'New threshold monitor')),
    body);
  ctx.api.listMonitors().then(
    (monitors) => clear(body, monitorsTable(monitors)),
    (e: unknown) => clear(body, isNotAvailable(e) ? notAvailableBox('Monitors') : errorBox(e)));
  return { el };
}
