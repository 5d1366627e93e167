import { ApiError } from '../api/client';
import { h } from './dom';

/** The text shown for an error: status, name, the field at fault and the reason. */
export function describeError(e: unknown): { title: string; detail: string; field?: string } {
  if (e instanceof ApiError) {
    if (e.status === 0) return { title: 'Cannot reach the API', detail: e.reason };
    const title = `${e.status} ${e.error}`;
    if (e.status === 401) {
      return { title, detail: `${e.reason}. Check the API key and sign in again.` };
    }
    return { title, detail: e.reason, field: e.field };
  }
  return { title: 'Unexpected error', detail: e instanceof Error ? e.message : String(e) };
}

/** An alert box for an error (announced by screen readers). */
export function errorBox(e: unknown): HTMLElement {
  const d = describeError(e);
  const extra = e instanceof ApiError && e.errors.length > 1
    ? h('ul', {}, e.errors.map((x) => h('li', {}, h('code', {}, x.field), ': ', x.reason)))
    : null;
  return h('div', { class: 'error', role: 'alert' },
    h('strong', { class: 'error-title' }, d.title),
    d.field ? h('span', { class: 'error-field' }, ' — ', h('code', {}, d.field)) : null,
    h('p', { class: 'error-reason' }, d.detail),
    extra);
}

/** The message shown where a whole feature is missing on the server (404/405 from its endpoints). */
export function notAvailableBox(feature: string): HTMLElement {
  return h('div', { class: 'notice', role: 'status' },
    h('strong', {}, `${feature} is not available on this server.`),
    h('p', {}, 'This Longwatch API does not have these endpoints yet (it answered 404). Upgrade the platform to use them.'));
}

export function isNotAvailable(e: unknown): boolean {
  return e instanceof ApiError && e.notAvailable;
}
