import { ApiError } from '../api/client';
import { SignInError } from '../cognito';
import { h } from './dom';

/** The text shown for an error: status, name, the field at fault and the reason. */
export function describeError(e: unknown): { title: string; detail: string; field?: string } {
  if (e instanceof SignInError) return { title: e.title, detail: e.detail };
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

/** A problem with one field of a form: the API's name for it (`condition.critical`, `channels[0]`) and the reason. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** The field problems of an API refusal (400): each of its `errors`, else the body's own field and reason. */
export function fieldProblems(e: unknown): FieldProblem[] {
  if (!(e instanceof ApiError) || e.status !== 400) return [];
  return e.errors.length ? e.errors : e.field ? [{ field: e.field, reason: e.reason }] : [];
}

/**
 * Shows each problem next to the control of `form` whose `data-field` names it (`matchers[2]`, an item of a list,
 * goes to the control of `matchers`), marks that control invalid and focuses the first one. The problems shown
 * before are cleared, so an empty list clears them all.
 */
export function showFieldProblems(form: HTMLElement, problems: FieldProblem[]): void {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const controls = [...form.querySelectorAll<HTMLElement>('[data-field]')];
  let first: HTMLElement | null = null;
  for (const p of problems) {
    const input = controls.find((c) => c.dataset.field === p.field)
      ?? controls.find((c) => c.dataset.field === p.field.replace(/\[\d+\].*$/, ''));
    if (!input) continue;
    input.setAttribute('aria-invalid', 'true');
    input.after(h('small', { class: 'field-error', role: 'alert', 'data-error-for': p.field }, p.reason));
    first ??= input;
  }
  first?.focus();
}
