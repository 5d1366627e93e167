// Notification routes (#/routes): which channels an alert goes to and how it is grouped. API: /v1/routes, with the
// channel names from /v1/channels (tag notifications).
import { h, clear, field } from '../ui/dom';
import { errorBox, fieldProblems, isNotAvailable, notAvailableBox, showFieldProblems, type FieldProblem } from '../ui/errors';
import type { Channel, Route, RouteInput } from '../api/notify';
import type { Page, PageContext } from './page';

const lines = (s: string): string[] => s.split('\n').map((m) => m.trim()).filter(Boolean);
const words = (s: string): string[] => s.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);

/** The route form as typed: text for the text inputs, the chosen channel ids, the two flags. */
export interface RouteForm {
  name: string;
  order: string;
  matchers: string; // one per line; none: every alert
  channels: string[]; // channel ids
  groupBy: string; // label names, separated by commas or spaces
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  continue: boolean;
  default: boolean;
}

/** A new route's form: the server's defaults (order 100, grouped per monitor, 30s / 5m / 4h). */
export function newRouteForm(): RouteForm {
  return { name: '', order: '100', matchers: '', channels: [], groupBy: 'monitor', groupWait: '30s', groupInterval: '5m',
    repeatInterval: '4h', continue: false, default: false };
}

export function routeToForm(r: Route): RouteForm {
  return { name: r.name, order: String(r.order), matchers: r.matchers.join('\n'), channels: [...r.channels],
    groupBy: r.groupBy.join(', '), groupWait: r.groupWait, groupInterval: r.groupInterval, repeatInterval: r.repeatInterval,
    continue: r.continue, default: r.default };
}

/** What cannot be sent at all (the order must be a number); everything else the server checks and explains. */
export function validateRouteForm(f: RouteForm): FieldProblem[] {
  return /^\s*-?\d{1,9}\s*$/.test(f.order) || !f.order.trim() ? [] : [{ field: 'order', reason: 'must be a whole number' }];
}

/**
 * The route to send: matchers one per non-empty line, group-by labels split on commas and spaces (none: one group
 * for all the route's alerts), an empty order or timer left out for the server's default.
 */
export function routeInput(f: RouteForm): RouteInput {
  const input: RouteInput = { name: f.name.trim(), matchers: lines(f.matchers), channels: [...f.channels], groupBy: words(f.groupBy),
    continue: f.continue, default: f.default };
  if (f.order.trim()) input.order = Number(f.order.trim());
  for (const k of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
    if (f[k].trim()) input[k] = f[k].trim();
  }
  return input;
}

/** A channel id by its name (and type); an id the tenant no longer has is shown as such. */
export function channelLabel(id: string, channels: Map<string, Channel>): string {
  const c = channels.get(id);
  return c ? `${c.name} (${c.type})` : `${id} (no such channel)`;
}

export function routesTable(routes: Route[], channels: Map<string, Channel>, edit: (r: Route) => void, remove: (r: Route) => void): HTMLElement {
  if (!routes.length) {
    return h('p', { class: 'empty' }, 'No routes: alerts go only to the channels their monitor names.');
  }
  const codes = (xs: string[]) => xs.map((x) => h('code', { class: 'matcher' }, x));
  return h('table', { class: 'data', 'data-testid': 'routes-table' },
    h('caption', {}, 'Tried in this order; the first route that matches wins unless it says continue.'),
    h('thead', {}, h('tr', {}, ['order', 'name', 'matchers', 'channels', 'group by', 'timers', '', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, routes.map((r) => h('tr', { 'data-id': r.id },
      h('td', { class: 'num' }, String(r.order)),
      h('td', {}, r.name),
      h('td', {}, r.default ? 'what no other route matched' : r.matchers.length ? codes(r.matchers) : 'every alert'),
      h('td', {}, r.channels.map((id) => h('span', { class: channels.has(id) ? 'chip' : 'chip missing', 'data-channel': id },
        channelLabel(id, channels)))),
      h('td', {}, r.groupBy.length ? codes(r.groupBy) : 'one group'),
      h('td', { class: 'small' }, `wait ${r.groupWait} · interval ${r.groupInterval} · repeat ${r.repeatInterval}`),
      h('td', {}, r.default ? h('span', { class: 'badge' }, 'default') : null, r.continue ? h('span', { class: 'badge' }, 'continue') : null),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'small', onclick: () => edit(r), 'aria-label': `Edit route ${r.name}` }, 'Edit'),
        h('button', { type: 'button', class: 'small secondary', onclick: () => remove(r), 'aria-label': `Delete route ${r.name}` }, 'Delete'))))));
}

export function routesPage(ctx: PageContext): Page {
  let form = newRouteForm();
  let editing: Route | null = null;
  let routes: Route[] = [];
  let channels = new Map<string, Channel>();
  let channelsLoaded = false;
  let listed = false; // the routes are shown (not an error in their place)
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  const formEl = h('form', { class: 'panel editor', novalidate: true, 'aria-labelledby': 'route-form-heading',
    onsubmit: (e: Event) => { e.preventDefault(); void save(); } });

  const channelChoices = h('div', {});

  // The tenant's channels by name; a chosen id it no longer has stays listed, so it can be unticked.
  function renderChannels(): void {
    const ids = [...channels.keys(), ...form.channels.filter((id) => !channels.has(id))];
    clear(channelChoices, ids.length ? ids.map((id) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'channels', value: id, checked: form.channels.includes(id),
        onchange: (e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          form.channels = on ? [...form.channels.filter((x) => x !== id), id] : form.channels.filter((x) => x !== id);
        } }), ` ${channelLabel(id, channels)}`))
      : h('p', { class: 'muted' }, channelsLoaded ? 'No channels yet: ' : 'Loading the channels…',
        channelsLoaded ? h('a', { href: '#/channels' }, 'create one first') : null));
  }

  function renderForm(): void {
    type TextKey = 'name' | 'order' | 'groupBy' | 'groupWait' | 'groupInterval' | 'repeatInterval';
    const text = (key: TextKey, attrs: Record<string, unknown> = {}) => h('input', { name: key, 'data-field': key, value: form[key],
      spellcheck: 'false', ...attrs, oninput: (e: Event) => { form[key] = (e.target as HTMLInputElement).value; } });
    const matchers = h('textarea', { name: 'matchers', 'data-field': 'matchers', rows: 3, spellcheck: 'false',
      oninput: (e: Event) => { form.matchers = (e.target as HTMLTextAreaElement).value; } });
    matchers.value = form.matchers;
    const channelBoxes = h('fieldset', { class: 'choices', 'data-field': 'channels', tabindex: '-1' }, h('legend', {}, 'Channels'), channelChoices);
    renderChannels();
    const flag = (key: 'continue' | 'default', label: string, hint: string) => h('div', { class: 'field checkbox' },
      h('input', { type: 'checkbox', id: `route-${key}`, name: key, 'data-field': key, checked: form[key], 'aria-describedby': `route-${key}-hint`,
        onchange: (e: Event) => { form[key] = (e.target as HTMLInputElement).checked; } }),
      h('label', { for: `route-${key}` }, label), h('small', { class: 'hint', id: `route-${key}-hint` }, hint));
    clear(formEl,
      h('h2', { id: 'route-form-heading' }, editing ? `Edit route ${editing.name}` : 'New route'),
      h('div', { class: 'row' }, field('Name', text('name', { required: true })),
        field('Order', text('order', { inputmode: 'numeric' }), 'Routes are tried from the lowest order up')),
      field('Matchers', matchers, 'One per line, all must hold: team=payments, severity=~critical|warning, env!=dev; none matches every alert'),
      channelBoxes,
      field('Group by', text('groupBy'), 'Labels, comma separated: alerts with the same values make one message; empty puts them all in one'),
      h('div', { class: 'row' },
        field('Group wait', text('groupWait'), 'Before the first message of a group'),
        field('Group interval', text('groupInterval'), 'Between messages about changes'),
        field('Repeat interval', text('repeatInterval'), 'Again while it still fires')),
      flag('continue', 'Continue', 'Keep trying the next routes after this one matched'),
      flag('default', 'Default route', 'Takes the alerts no other route matched (its matchers are not used)'),
      h('div', { class: 'actions' },
        editing ? h('button', { type: 'button', class: 'secondary', onclick: () => { editing = null; form = newRouteForm(); renderForm(); } }, 'Cancel') : null,
        h('button', { type: 'submit' }, editing ? 'Save route' : 'Create route')));
  }

  async function save(): Promise<void> {
    messages.replaceChildren();
    const problems = validateRouteForm(form);
    showFieldProblems(formEl, problems);
    if (problems.length) return;
    try {
      const saved = await ctx.api.saveRoute(routeInput(form), editing?.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `${editing ? 'Saved' : 'Created'} route ${saved.name}.`));
      editing = null;
      form = newRouteForm();
      renderForm();
      await load();
    } catch (e) {
      showFieldProblems(formEl, fieldProblems(e));
      messages.replaceChildren(isNotAvailable(e) && !editing ? notAvailableBox('Routes') : errorBox(e));
    }
  }

  function edit(r: Route): void {
    editing = r;
    form = routeToForm(r);
    messages.replaceChildren();
    renderForm();
    formEl.querySelector<HTMLInputElement>('[name=name]')?.focus();
  }

  async function remove(r: Route): Promise<void> {
    try {
      await ctx.api.deleteRoute(r.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Deleted route ${r.name}.`));
      if (editing?.id === r.id) {
        editing = null;
        form = newRouteForm();
        renderForm();
      }
      await load();
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  function renderList(): void {
    clear(list, routesTable(routes, channels, edit, (r) => void remove(r)));
  }

  async function load(): Promise<void> {
    try {
      routes = await ctx.api.listRoutes();
      listed = true;
      renderList();
    } catch (e) {
      listed = false;
      clear(list, isNotAvailable(e) ? notAvailableBox('Routes') : errorBox(e));
    }
  }

  async function loadChannels(): Promise<void> {
    try {
      channels = new Map((await ctx.api.listChannels()).map((c) => [c.id, c]));
    } catch (e) {
      // The routes still list (by channel id); a server without these endpoints is said once, by the list.
      if (!isNotAvailable(e)) messages.append(errorBox(e));
    }
    channelsLoaded = true;
    renderChannels();
    if (listed) renderList();
  }

  renderForm();
  void load();
  void loadChannels();
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Notification routes'),
    h('p', { class: 'muted' }, 'An alert whose monitor names no channels goes to the channels of the routes it matches, tried by order: '
      + 'the first match wins unless it says continue; the default route takes what nothing matched.'),
    messages, list, formEl) };
}
