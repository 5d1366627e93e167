import { h, clear, formatTime } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { AuditEntry } from '../api/alerting';
import type { Page, PageContext } from './page';

const TIME_KEYS = new Set(['at', 'time', 'createdAt']);

/** A table of audit entries; its columns are the keys the entries have (`at` and `by` first). */
export function auditTable(entries: AuditEntry[]): HTMLElement {
  if (!entries.length) return h('p', { class: 'empty' }, 'The audit log is empty.');
  const keys: string[] = [];
  for (const e of entries) for (const k of Object.keys(e)) if (!keys.includes(k)) keys.push(k);
  const order = ['at', 'by', 'action'];
  keys.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const cell = (k: string, v: unknown) => (v === undefined || v === null ? '' : TIME_KEYS.has(k) ? formatTime(v as string | number)
    : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('table', { class: 'data', 'data-testid': 'audit-table' },
    h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, k)))),
    h('tbody', {}, entries.map((e) => h('tr', {}, keys.map((k) => h('td', {}, cell(k, e[k])))))));
}

export function auditPage(ctx: PageContext): Page {
  const body = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  ctx.api.listAudit().then((entries) => clear(body, auditTable(entries)),
    (e: unknown) => clear(body, isNotAvailable(e) ? notAvailableBox('The audit log') : errorBox(e)));
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Audit log'), body) };
}
