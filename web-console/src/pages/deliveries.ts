// The delivery log (#/deliveries): every notification to every channel and what its delivery came to, newest
// first. API: GET /v1/notifications (status filter, limit, `after` paging), with channel names from /v1/channels.
import { h, clear, field, formatTime, select } from '../ui/dom';
import { errorBox, isNotAvailable, notAvailableBox } from '../ui/errors';
import type { Channel, DeliveryStatus, Notification, NotificationParams } from '../api/notify';
import type { Page, PageContext } from './page';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['sent', 'failed', 'retrying', 'pending', 'summarized'];
export const PAGE_SIZES = ['25', '50', '100', '200'] as const;
const DEFAULT_LIMIT = '50'; // the API's own default
const MAX_ALERT_LINKS = 5;

/** The log's query from the URL: a known status only, a page size the console offers, the page's `after`. */
export function deliveryParams(p: URLSearchParams): NotificationParams {
  const out: NotificationParams = {};
  const status = p.get('status') ?? '';
  if ((DELIVERY_STATUSES as readonly string[]).includes(status)) out.status = status as DeliveryStatus;
  const limit = p.get('limit') ?? '';
  if ((PAGE_SIZES as readonly string[]).includes(limit) && limit !== DEFAULT_LIMIT) out.limit = Number(limit);
  const after = p.get('after');
  if (after) out.after = after;
  return out;
}

/** What a delivery came to, in words: `sent`, `sent after 3 attempts`, `retrying (attempt 2)`, `failed after 5 attempts`. */
export function outcomeText(n: Notification): string {
  const tries = n.attempts === 1 ? '1 attempt' : `${n.attempts} attempts`;
  switch (n.status) {
    case 'sent': return n.attempts > 1 ? `sent after ${tries}` : 'sent';
    case 'failed': return n.attempts ? `failed after ${tries}` : 'failed';
    case 'retrying': return `retrying after ${tries}`;
    case 'summarized': return 'summarized (sent in a storm summary)';
    default: return n.status;
  }
}

function channelCell(n: Notification, channels: Map<string, Channel>): HTMLElement {
  const c = channels.get(n.channelId);
  return h('td', { 'data-channel': n.channelId }, c ? c.name : h('code', {}, n.channelId), h('span', { class: 'muted' }, ` (${n.channelType})`));
}

function alertLinks(ids: string[]): HTMLElement | null {
  if (!ids.length) return null;
  const shown = ids.slice(0, MAX_ALERT_LINKS);
  return h('div', { class: 'small' }, ids.length === 1 ? 'alert ' : 'alerts ',
    shown.map((id, i) => [i ? ', ' : '', h('a', { href: `#/alerts/${encodeURIComponent(id)}` }, h('code', {}, id))]),
    ids.length > shown.length ? ` and ${ids.length - shown.length} more` : '');
}

export function deliveriesTable(log: Notification[], channels: Map<string, Channel>): HTMLElement {
  if (!log.length) return h('p', { class: 'empty' }, 'No deliveries match.');
  return h('table', { class: 'data', 'data-testid': 'deliveries-table' },
    h('thead', {}, h('tr', {}, ['time', 'channel', 'kind', 'alert / monitor', 'outcome', 'HTTP', 'attempts', 'reason'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, log.map((n) => h('tr', { 'data-id': n.id, 'data-status': n.status },
      h('td', {}, formatTime(n.createdAt)),
      channelCell(n, channels),
      h('td', {}, n.kind),
      h('td', {}, n.title, alertLinks(n.alertIds)),
      h('td', {}, h('span', { class: `badge delivery-${n.status}` }, outcomeText(n)),
        n.status === 'retrying' && n.nextAttemptAt ? h('div', { class: 'small muted' }, `next at ${formatTime(n.nextAttemptAt)}`) : null),
      h('td', { class: 'num' }, n.lastHttpStatus ? String(n.lastHttpStatus) : '—'),
      h('td', { class: 'num' }, String(n.attempts)),
      h('td', { class: 'reason' }, n.lastError ?? '')))));
}

export function deliveriesPage(ctx: PageContext): Page {
  let params = deliveryParams(ctx.params);
  const newer: (string | undefined)[] = []; // the `after` of each page before this one, to page back
  let channels = new Map<string, Channel>();
  // Names for the channel ids, asked once; without them the log still shows ids and types.
  const named = ctx.api.listChannels().then((cs) => { channels = new Map(cs.map((c) => [c.id, c])); }, () => {});
  const messages = h('div', { class: 'errors', 'aria-live': 'polite' });
  const list = h('div', { class: 'panel' }, h('p', { class: 'status' }, 'Loading…'));
  const pager = h('nav', { class: 'actions start pager', 'aria-label': 'Pages of the delivery log' });
  const filters = h('form', { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
    field('Outcome', select([['', 'any'], ...DELIVERY_STATUSES.map((s): [string, string] => [s, s])], params.status ?? '', { name: 'status',
      onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; params = { ...params, status: v ? v as DeliveryStatus : undefined }; restart(); } })),
    field('Per page', select(PAGE_SIZES, String(params.limit ?? DEFAULT_LIMIT), { name: 'limit',
      onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; params = { ...params, limit: v === DEFAULT_LIMIT ? undefined : Number(v) }; restart(); } })),
    h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh'));

  function sync(): void {
    const p = new URLSearchParams();
    if (params.status) p.set('status', params.status);
    if (params.limit) p.set('limit', String(params.limit));
    if (params.after) p.set('after', params.after);
    ctx.replaceParams(p);
  }

  /** Back to the newest page (a filter changed, or asked for). */
  function restart(): void {
    params = { ...params, after: undefined };
    newer.length = 0;
    sync();
    void load();
  }

  function go(after: string | undefined): void {
    params = { ...params, after };
    sync();
    void load();
  }

  function renderPager(next: string | undefined): void {
    clear(pager,
      params.after ? h('button', { type: 'button', class: 'secondary', onclick: () => restart() }, 'Newest') : null,
      newer.length ? h('button', { type: 'button', class: 'secondary', onclick: () => go(newer.pop()) }, '← Newer') : null,
      next ? h('button', { type: 'button', class: 'secondary', onclick: () => { newer.push(params.after); go(next); } }, 'Older →') : null);
  }

  async function load(): Promise<void> {
    try {
      const [page] = await Promise.all([ctx.api.listNotifications(params), named]);
      clear(list, deliveriesTable(page.notifications, channels));
      renderPager(page.next);
      messages.replaceChildren();
    } catch (e) {
      if (isNotAvailable(e)) {
        filters.remove();
        pager.remove();
        clear(list, notAvailableBox('The delivery log'));
      } else {
        messages.replaceChildren(errorBox(e));
      }
    }
  }

  void load();
  return { el: h('section', {}, h('h1', { tabindex: '-1' }, 'Delivery log'),
    h('p', { class: 'muted' }, 'Every notification to every channel, newest first: alerts, storm summaries and test messages. '
      + 'Failed ones are the dead letters: every retry used up.'),
    messages, filters, list, pager) };
}
