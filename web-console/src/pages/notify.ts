// Silences with maintenance windows and inhibition rules (#/silences), and channels (#/channels): the notification service's API (tag notifications).
import { h, clear, field, formatTime, select } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { Channel, ChannelInput, ChannelType, Notification, Silence, SilenceInput } from '../api/notify';
import type { Page, PageContext } from './page';
import { inhibitionsSection, windowsSection } from './muting';

// --- silences

export interface SilenceForm {
  matchers: string; // one per line
  duration: string;
  comment: string;
}

/** The silence to create: one matcher per non-empty line, created by the person acting. */
export function silenceInput(f: SilenceForm, createdBy: string): SilenceInput {
  const input: SilenceInput = {
    matchers: f.matchers.split('\n').map((m) => m.trim()).filter(Boolean),
    duration: f.duration.trim(),
    createdBy: createdBy.trim(),
  };
  if (f.comment.trim()) input.comment = f.comment.trim();
  return input;
}

export function silencesTable(silences: Silence[], expire: (s: Silence) => void): HTMLElement {
  if (!silences.length) return h('p', { class: 'empty' }, 'No silences.');
  return h('table', { class: 'data', 'data-testid': 'silences-table' },
    h('thead', {}, h('tr', {}, ['state', 'matchers', 'starts', 'ends', 'created by', 'comment', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, silences.map((s) => h('tr', { 'data-id': s.id, 'data-state': s.state },
      h('td', {}, h('span', { class: `badge silence-${s.state}` }, s.state)),
      h('td', {}, s.matchers.map((m) => h('code', { class: 'matcher' }, m))),
      h('td', {}, formatTime(s.startsAt)),
      h('td', {}, formatTime(s.endsAt)),
      h('td', {}, s.createdBy),
      h('td', {}, s.comment ?? ''),
      h('td', { class: 'actions' }, s.state === 'expired' ? null
        : h('button', { type: 'button', class: 'small secondary', onclick: () => expire(s), 'aria-label': `Expire silence ${s.matchers.join(' ')}` }, 'Expire'))))));
}

export function silencesPage(ctx: PageContext): Page {
  const form: SilenceForm = { matchers: '', duration: '2h', comment: '' };
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  const input = (key: keyof SilenceForm, attrs: Record<string, unknown> = {}) => h(key === 'matchers' ? 'textarea' : 'input',
    { name: key, value: form[key], spellcheck: 'false', ...attrs,
      oninput: (e: Event) => { form[key] = (e.target as HTMLInputElement).value; } });
  const matchers = input('matchers', { rows: 3, required: true });
  (matchers as HTMLTextAreaElement).value = form.matchers;
  const who = h('input', { name: 'actor', value: ctx.session.actor, onchange: (e: Event) => { ctx.session.actor = (e.target as HTMLInputElement).value; } });
  const formEl = h('form', { class: 'panel editor', novalidate: true, 'aria-label': 'New silence', onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
    h('h2', {}, 'New silence'),
    field('Matchers', matchers, 'One per line, all must hold: service=checkout, severity=~warning|info, env!=dev'),
    h('div', { class: 'row' }, field('Duration', input('duration'), '30m, 2h, 1d'), field('Created by', who)),
    field('Comment', input('comment')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create silence')));

  async function create(): Promise<void> {
    messages.replaceChildren();
    try {
      const s = await ctx.api.createSilence(silenceInput(form, ctx.session.actor));
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Silenced ${s.matchers.join(', ')} until ${formatTime(s.endsAt)}.`));
      form.matchers = '';
      form.comment = '';
      (matchers as HTMLTextAreaElement).value = '';
      (formEl.querySelector('[name=comment]') as HTMLInputElement).value = '';
      await load();
    } catch (e) {
      messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Silences') : errorBox(e));
    }
  }

  async function expire(s: Silence): Promise<void> {
    try {
      await ctx.api.expireSilence(s.id);
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Expired the silence of ${s.matchers.join(', ')}.`));
      await load();
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  async function load(): Promise<void> {
    try {
      clear(list, silencesTable(await ctx.api.listSilences(), (s) => void expire(s)));
    } catch (e) {
      clear(list, isNotAvailable(e) ? notAvailableBox('Silences') : errorBox(e));
    }
  }

  void load();
  // The other muters live here too: maintenance windows and inhibition rules (muting.ts).
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Silences, maintenance windows and inhibition'), messages, formEl,
    list, windowsSection(ctx), inhibitionsSection(ctx)) };
}

// --- channels

/** The settings of each channel type; secret ones are write-only (sent once, never shown back). */
export const CHANNEL_SETTINGS: Record<ChannelType, { key: string; label: string; secret: boolean }[]> = {
  webhook: [{ key: 'url', label: 'URL', secret: true }, { key: 'signingSecret', label: 'Signing secret (16+ characters)', secret: true }],
  action: [{ key: 'url', label: 'URL', secret: true }, { key: 'signingSecret', label: 'Signing secret (16+ characters)', secret: true }],
  slack: [{ key: 'url', label: 'Incoming webhook URL', secret: true }, { key: 'botToken', label: 'Bot token', secret: true },
    { key: 'channel', label: 'Channel (with a bot token)', secret: false }, { key: 'signingSecret', label: 'Signing secret', secret: true }],
  teams: [{ key: 'url', label: 'Workflows webhook URL', secret: true }],
  discord: [{ key: 'url', label: 'Webhook URL', secret: true }],
  google_chat: [{ key: 'url', label: 'Webhook URL', secret: true }],
  pagerduty: [{ key: 'routingKey', label: 'Routing key', secret: true }, { key: 'endpoint', label: 'Endpoint (default Events API v2)', secret: false }],
  sns: [{ key: 'topicArn', label: 'Topic ARN', secret: false }],
};
export const CHANNEL_TYPES = Object.keys(CHANNEL_SETTINGS) as ChannelType[];

/** The channel to create: the type's settings that were filled in, nothing else. */
export function channelInput(name: string, type: ChannelType, values: Record<string, string>): ChannelInput {
  const config: Record<string, string> = {};
  for (const s of CHANNEL_SETTINGS[type]) {
    const v = (values[s.key] ?? '').trim();
    if (v) config[s.key] = v;
  }
  return { name: name.trim(), type, config };
}

/** What a test delivery came to, in one line. */
export function testOutcome(c: Channel, n: Notification): string {
  const http = n.lastHttpStatus ? ` (HTTP ${n.lastHttpStatus})` : '';
  return `Test to ${c.name}: ${n.status}${http}${n.lastError ? ` — ${n.lastError}` : ''}`;
}

export function channelsTable(channels: Channel[], test: (c: Channel) => void): HTMLElement {
  if (!channels.length) return h('p', { class: 'empty' }, 'No channels yet.');
  return h('table', { class: 'data', 'data-testid': 'channels-table' },
    h('thead', {}, h('tr', {}, ['name', 'type', 'settings', 'secrets set', 'id', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, channels.map((c) => h('tr', { 'data-id': c.id },
      h('td', {}, c.name),
      h('td', {}, c.type),
      h('td', {}, Object.keys(c.config).length ? Object.entries(c.config).map(([k, v]) => h('code', { class: 'matcher' }, `${k}=${v}`)) : '—'),
      h('td', {}, c.secrets.length ? c.secrets.map((s) => h('span', { class: 'badge secret' }, `${s} ••••`)) : '—'),
      h('td', {}, h('code', {}, c.id)),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small', onclick: () => test(c), 'aria-label': `Send a test to ${c.name}` }, 'Send test'))))));
}

export function channelsPage(ctx: PageContext): Page {
  let type: ChannelType = 'webhook';
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  const name = h('input', { name: 'name', required: true, spellcheck: 'false' });
  const settings = h('div', {});
  const formEl = h('form', { class: 'panel editor', novalidate: true, autocomplete: 'off', onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
    h('h2', {}, 'New channel'),
    h('div', { class: 'row' }, field('Name', name),
      field('Type', select(CHANNEL_TYPES, type, { name: 'type', onchange: (e: Event) => { type = (e.target as HTMLSelectElement).value as ChannelType; renderSettings(); } }))),
    settings,
    h('p', { class: 'muted' }, 'Secret settings are stored encrypted and never shown again: the list says only that they are set.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create channel')));

  function renderSettings(): void {
    clear(settings, CHANNEL_SETTINGS[type].map((s) => field(s.label,
      h('input', { name: `config.${s.key}`, 'data-key': s.key, type: s.secret ? 'password' : 'text', autocomplete: s.secret ? 'new-password' : 'off', spellcheck: 'false' }))));
  }

  async function create(): Promise<void> {
    messages.replaceChildren();
    const values: Record<string, string> = {};
    for (const i of settings.querySelectorAll<HTMLInputElement>('input[data-key]')) values[i.dataset.key!] = i.value;
    try {
      const c = await ctx.api.createChannel(channelInput(name.value, type, values));
      name.value = '';
      renderSettings(); // the secrets leave the page with the request
      messages.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, `Created channel ${c.name} (${c.id}).`));
      await load();
    } catch (e) {
      messages.replaceChildren(isNotAvailable(e) ? notAvailableBox('Channels') : errorBox(e));
    }
  }

  async function test(c: Channel): Promise<void> {
    messages.replaceChildren(h('p', { class: 'status' }, `Sending a test to ${c.name}…`));
    try {
      const n = await ctx.api.testChannel(c.id);
      messages.replaceChildren(h('div', { class: `notice ${n.status === 'sent' ? 'ok' : 'warn'}`, role: 'status', 'data-testid': 'test-outcome' }, testOutcome(c, n)));
    } catch (e) {
      messages.replaceChildren(errorBox(e));
    }
  }

  async function load(): Promise<void> {
    try {
      clear(list, channelsTable(await ctx.api.listChannels(), (c) => void test(c)));
    } catch (e) {
      clear(list, isNotAvailable(e) ? notAvailableBox('Channels') : errorBox(e));
    }
  }

  renderSettings();
  void load();
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Channels'), messages, formEl, list) };
}
