// Maintenance windows and inhibition rules: the two other muters beside silences, shown on the silences page
// (#/silences). API: /v1/maintenance-windows and /v1/inhibitions (tag notifications).
import { h, clear, field } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { InhibitionRule, InhibitionRuleInput, InhibitionRuleList, MaintenanceWindow, MaintenanceWindowInput } from '../api/notify';
import type { PageContext } from './page';

const lines = (s: string): string[] => s.split('\n').map((m) => m.trim()).filter(Boolean);
const words = (s: string): string[] => s.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);

export const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
type Day = (typeof DAYS)[number];

// --- maintenance windows

export interface WindowForm {
  name: string;
  matchers: string; // one per line; none: every alert of the tenant
  timezone: string;
  days: Day[];
  start: string;
  end: string;
}

/** The window to create: days in week order, matchers one per non-empty line, UTC when no zone is given. */
export function windowInput(f: WindowForm): MaintenanceWindowInput {
  return {
    name: f.name.trim(),
    matchers: lines(f.matchers),
    timezone: f.timezone.trim() || 'UTC',
    days: DAYS.filter((d) => f.days.includes(d)),
    start: f.start.trim(),
    end: f.end.trim(),
  };
}

export function windowsTable(windows: MaintenanceWindow[], remove: (w: MaintenanceWindow) => void): HTMLElement {
  if (!windows.length) return h('p', { class: 'empty' }, 'No maintenance windows.');
  return h('table', { class: 'data', 'data-testid': 'windows-table' },
    h('thead', {}, h('tr', {}, ['', 'name', 'when', 'matchers', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, windows.map((w) => h('tr', { 'data-id': w.id, 'data-active': String(w.activeNow) },
      h('td', {}, w.activeNow ? h('span', { class: 'badge silence-active' }, 'active now') : null),
      h('td', {}, w.name),
      h('td', {}, `${w.days.join(', ')} ${w.start}–${w.end} (${w.timezone})`),
      h('td', {}, w.matchers.length ? w.matchers.map((m) => h('code', { class: 'matcher' }, m)) : 'every alert'),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small secondary', onclick: () => remove(w),
        'aria-label': `Delete maintenance window ${w.name}` }, 'Delete'))))));
}

export function windowsSection(ctx: PageContext): HTMLElement {
  const form: WindowForm = { name: '', matchers: '', timezone: 'UTC', days: ['SUN'], start: '02:00', end: '04:00' };
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', {}, h('p', { class: 'status' }, 'Loading…'));
  const text = (key: 'name' | 'timezone' | 'start' | 'end', attrs: Record<string, unknown> = {}) => h('input',
    { name: `window.${key}`, value: form[key], spellcheck: 'false', ...attrs,
      oninput: (e: Event) => { form[key] = (e.target as HTMLInputElement).value; } });
  const name = text('name', { required: true });
  const matchers = h('textarea', { name: 'window.matchers', rows: 2, spellcheck: 'false',
    oninput: (e: Event) => { form.matchers = (e.target as HTMLTextAreaElement).value; } });
  const days = h('fieldset', { class: 'days' }, h('legend', {}, 'Days'), DAYS.map((d) => h('label', { class: 'day' },
    h('input', { type: 'checkbox', name: 'window.days', value: d, checked: form.days.includes(d),
      onchange: (e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        form.days = on ? [...form.days, d] : form.days.filter((x) => x !== d);
      } }), ` ${d}`)));
  const formEl = h('form', { class: 'editor', novalidate: true, 'aria-label': 'New maintenance window',
    onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
  h('h3', {}, 'New maintenance window'),
  h('div', { class: 'row' }, field('Name', name), field('Time zone', text('timezone'), 'IANA, e.g. Europe/Berlin')),
  days,
  h('div', { class: 'row' }, field('Start', text('start'), 'HH:MM, local'), field('End', text('end'), 'an end before the start runs past midnight')),
  field('Matchers', matchers, 'One per line, all must hold; none mutes every alert'),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create window')));

  async function create(): Promise<void> {
    messages.replaceChildren();
    try {
      const w = await ctx.api.createMaintenanceWindow(windowInput(form));
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Created maintenance window ${w.name}.`));
      form.name = '';
      form.matchers = '';
      name.value = '';
      matchers.value = '';
      await load();
    } catch (e) {
      messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Maintenance windows') : errorBox(e));
    }
  }

  async function remove(w: MaintenanceWindow): Promise<void> {
    try {
      await ctx.api.deleteMaintenanceWindow(w.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Deleted maintenance window ${w.name}.`));
      await load();
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  async function load(): Promise<void> {
    try {
      clear(list, windowsTable(await ctx.api.listMaintenanceWindows(), (w) => void remove(w)));
    } catch (e) {
      clear(list, isNotAvailable(e) ? notAvailableBox('Maintenance windows') : errorBox(e));
    }
  }

  void load();
  return h('section', { class: 'panel', 'aria-labelledby': 'windows-heading' },
    h('h2', { id: 'windows-heading' }, 'Maintenance windows'), messages, list, formEl);
}

// --- inhibition rules

export interface InhibitionForm {
  sourceMatchers: string; // one per line
  targetMatchers: string; // one per line
  equal: string; // label names, separated by commas or spaces
  comment: string;
}

/** The rule to create: matchers one per non-empty line, equal labels split on commas and spaces. */
export function inhibitionInput(f: InhibitionForm): InhibitionRuleInput {
  const input: InhibitionRuleInput = {
    sourceMatchers: lines(f.sourceMatchers),
    targetMatchers: lines(f.targetMatchers),
    equal: words(f.equal),
  };
  if (f.comment.trim()) input.comment = f.comment.trim();
  return input;
}

export const BUILT_IN_RULE = 'No rules: the built-in rule applies — a firing critical alert mutes the warnings with the '
  + 'same group values (of the same monitor when ungrouped). The first rule you create replaces it.';

export function inhibitionsTable(rules: InhibitionRuleList, remove: (r: InhibitionRule) => void): HTMLElement {
  if (!rules.inhibitions.length) {
    return h('p', { class: 'empty', 'data-testid': 'built-in-rule' }, rules.builtInRuleActive ? BUILT_IN_RULE : 'No rules.');
  }
  const codes = (ms: string[]) => ms.map((m) => h('code', { class: 'matcher' }, m));
  return h('table', { class: 'data', 'data-testid': 'inhibitions-table' },
    h('thead', {}, h('tr', {}, ['while this fires', 'mute these', 'with equal', 'comment', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rules.inhibitions.map((r) => h('tr', { 'data-id': r.id },
      h('td', {}, codes(r.sourceMatchers)),
      h('td', {}, codes(r.targetMatchers)),
      h('td', {}, r.equal.length ? codes(r.equal) : '—'),
      h('td', {}, r.comment ?? ''),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small secondary', onclick: () => remove(r),
        'aria-label': `Delete inhibition rule ${r.sourceMatchers.join(' ')} → ${r.targetMatchers.join(' ')}` }, 'Delete'))))));
}

export function inhibitionsSection(ctx: PageContext): HTMLElement {
  const form: InhibitionForm = { sourceMatchers: 'severity=critical', targetMatchers: 'severity=warning', equal: '', comment: '' };
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', {}, h('p', { class: 'status' }, 'Loading…'));
  const area = (key: 'sourceMatchers' | 'targetMatchers') => {
    const el = h('textarea', { name: `inhibition.${key}`, rows: 2, spellcheck: 'false',
      oninput: (e: Event) => { form[key] = (e.target as HTMLTextAreaElement).value; } });
    el.value = form[key];
    return el;
  };
  const text = (key: 'equal' | 'comment') => h('input', { name: `inhibition.${key}`, value: form[key], spellcheck: 'false',
    oninput: (e: Event) => { form[key] = (e.target as HTMLInputElement).value; } });
  const equal = text('equal');
  const comment = text('comment');
  const formEl = h('form', { class: 'editor', novalidate: true, 'aria-label': 'New inhibition rule',
    onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
  h('h3', {}, 'New inhibition rule'),
  h('div', { class: 'row' },
    field('While an alert matching these fires', area('sourceMatchers'), 'Source matchers, one per line'),
    field('mute the alerts matching these', area('targetMatchers'), 'Target matchers, one per line')),
  h('div', { class: 'row' }, field('Equal labels', equal, 'e.g. host, service: the same values on both alerts'),
    field('Comment', comment, 'Why the rule exists')),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create rule')));

  async function create(): Promise<void> {
    messages.replaceChildren();
    try {
      await ctx.api.createInhibition(inhibitionInput(form));
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, 'Created the inhibition rule.'));
      form.equal = '';
      form.comment = '';
      equal.value = '';
      comment.value = '';
      await load();
    } catch (e) {
      messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Inhibition rules') : errorBox(e));
    }
  }

  async function remove(r: InhibitionRule): Promise<void> {
    try {
      await ctx.api.deleteInhibition(r.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, 'Deleted the inhibition rule.'));
      await load();
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  async function load(): Promise<void> {
    try {
      clear(list, inhibitionsTable(await ctx.api.listInhibitions(), (r) => void remove(r)));
    } catch (e) {
      clear(list, isNotAvailable(e) ? notAvailableBox('Inhibition rules') : errorBox(e));
    }
  }

  void load();
  return h('section', { class: 'panel', 'aria-labelledby': 'inhibitions-heading' },
    h('h2', { id: 'inhibitions-heading' }, 'Inhibition rules'), messages, list, formEl);
}
