import { h, clear, formatTime } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { AuditEntry } from '../api/alerting';
import type { Page, PageContext } from './page';

/** What changed between `before` and `after` of a monitor change: the top-level keys that differ. */
export function changedKeys(e: AuditEntry): string[] {
  const before = (e.before ?? {}) as Record<string, unknown>;
  const after = (e.after ?? {}) as Record<string, unknown>;
  const ignore = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt']);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !ignore.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** The kind of object an entry is about: the API's `kind`, or the action before its last dot. */
export function entryKind(e: AuditEntry): string {
  return e.kind ?? e.action.slice(0, e.action.lastIndexOf('.'));
}

/**
 * A table of audit entries (`GET /v1/audit`): when, who, what, on which target, and what a change changed. Changes to
 * channels, routes, silences, maintenance windows and inhibition rules carry the server's one-line summary (secrets
 * by name only), which is shown as it is.
 */
export function auditTable(entries: AuditEntry[]): HTMLElement {
  if (!entries.length) return h('p', { class: 'empty' }, 'The audit log is empty.');
  const detail = (e: AuditEntry): string => {
    if (e.summary) return e.summary;
    if (e.action === 'monitor.update') return `changed ${changedKeys(e).join(', ') || 'nothing'}`;
    const name = ((e.after ?? e.before ?? {}) as Record<string, unknown>)['name'];
    return typeof name === 'string' ? name : '';
  };
  return h('table', { class: 'data', 'data-testid': 'audit-table' },
    h('thead', {}, h('tr', {}, ['at', 'who', 'action', 'target', 'detail'].map((k) => h('th', { scope: 'col' }, k)))),
    h('tbody', {}, entries.map((e) => h('tr', { 'data-action': e.action, 'data-kind': entryKind(e) },
      h('td', {}, formatTime(e.at)), h('td', {}, e.who), h('td', {}, e.action), h('td', {}, e.target), h('td', {}, detail(e))))));
}

export function auditPage(ctx: PageContext): Page {
  const body = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  ctx.api.listAudit().then((entries) => clear(body, auditTable(entries)),
    (e: unknown) => clear(body, isNotAvailable(e) ? notAvailableBox('The audit log') : errorBox(e)));
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Audit log'), body) };
}
