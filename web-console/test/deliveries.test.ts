import { beforeEach, describe, expect, it } from 'vitest';
import { deliveriesPage, deliveryParams, outcomeText } from '../src/pages/deliveries';
import { ctxWith } from './page-context';
import type { Channel, Notification } from '../src/api/notify';
import type { PageContext } from '../src/pages/page';

const settle = async () => { for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0)); };
const hook: Channel = { id: 'ch_1', name: 'ops-hook', type: 'webhook', config: {}, secrets: ['url'],
  createdAt: '2026-11-21T12:00:00Z', updatedAt: '2026-11-21T12:00:00Z' };
const delivery = (id: string, over: Partial<Notification> = {}): Notification => ({ id, tenant: 't1', channelId: 'ch_1', channelType: 'webhook',
  kind: 'alert', alertIds: ['al_1'], title: '[FIRING:1] Checkout errors (service=checkout)', status: 'sent', attempts: 1, lastHttpStatus: 200,
  createdAt: '2026-11-21T12:00:00Z', updatedAt: '2026-11-21T12:00:01Z', ...over });
const sent = delivery('d3');
const failed = delivery('d2', { status: 'failed', attempts: 5, lastHttpStatus: 500, lastError: 'the receiver answered 500',
  channelId: 'ch_gone', channelType: 'slack', createdAt: '2026-11-21T11:59:00Z' });
const retrying = delivery('d1', { status: 'retrying', attempts: 2, lastHttpStatus: 429, lastError: 'rate limited',
  nextAttemptAt: '2026-11-21T12:01:00Z', createdAt: '2026-11-21T11:58:00Z', kind: 'test', alertIds: [], title: 'Longwatch test message' });

const rows = (el: HTMLElement) => [...el.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));

beforeEach(() => { document.body.replaceChildren(); });

describe('the delivery log\'s query', () => {
  it('takes a known status, an offered page size other than the default, and the page cursor from the URL', () => {
    expect(deliveryParams(new URLSearchParams('status=failed&limit=200&after=d2'))).toEqual({ status: 'failed', limit: 200, after: 'd2' });
    expect(deliveryParams(new URLSearchParams('status=lost&limit=7'))).toEqual({});
    expect(deliveryParams(new URLSearchParams('limit=50'))).toEqual({});
  });

  it('says what each delivery came to', () => {
    expect(outcomeText(sent)).toBe('sent');
    expect(outcomeText({ ...sent, attempts: 3 })).toBe('sent after 3 attempts');
    expect(outcomeText(failed)).toBe('failed after 5 attempts');
    expect(outcomeText(retrying)).toBe('retrying after 2 attempts');
  });
});

describe('the delivery log page', () => {
  it('shows each delivery newest first: time, channel by name, alert, outcome, HTTP status, attempts and the reason', async () => {
    const { ctx, calls } = ctxWith((_m, url) => url.startsWith('/v1/channels')
      ? [200, { channels: [hook] }] : [200, { notifications: [sent, failed, retrying] }]);
    const page = deliveriesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(calls.map(([c]) => c).sort()).toEqual(['GET /v1/channels', 'GET /v1/notifications']);
    expect(rows(page.el)).toEqual([
      ['2026-11-21 12:00:00Z', 'ops-hook (webhook)', 'alert', '[FIRING:1] Checkout errors (service=checkout)alert al_1', 'sent', '200', '1', ''],
      ['2026-11-21 11:59:00Z', 'ch_gone (slack)', 'alert', '[FIRING:1] Checkout errors (service=checkout)alert al_1', 'failed after 5 attempts',
        '500', '5', 'the receiver answered 500'],
      ['2026-11-21 11:58:00Z', 'ops-hook (webhook)', 'test', 'Longwatch test message', 'retrying after 2 attemptsnext at 2026-11-21 12:01:00Z',
        '429', '2', 'rate limited'],
    ]);
    expect(page.el.querySelector('tr[data-id=d3] a')!.getAttribute('href')).toBe('#/alerts/al_1');
    expect(page.el.querySelector('tr[data-id=d2]')!.getAttribute('data-status')).toBe('failed');
    expect(page.el.querySelector('nav.pager button')).toBeNull(); // one page only: no `next`
  });

  it('asks for the chosen outcome and page size, keeps them in the URL, and pages with the API\'s cursor', async () => {
    const pages: Record<string, [Notification[], string?]> = { '': [[sent, failed], 'd2'], d2: [[retrying]] };
    const { ctx, calls } = ctxWith((_m, url) => {
      if (url.startsWith('/v1/channels')) return [200, { channels: [hook] }];
      const [list, next] = pages[new URL(url, 'http://x').searchParams.get('after') ?? '']!;
      return [200, next ? { notifications: list, next } : { notifications: list }];
    });
    const urls: string[] = [];
    const page = deliveriesPage({ ...ctx, replaceParams: (p) => urls.push(p.toString()) } satisfies PageContext);
    document.body.append(page.el);
    await settle();

    const status = page.el.querySelector('select[name=status]') as HTMLSelectElement;
    status.value = 'failed';
    status.dispatchEvent(new Event('change'));
    await settle();
    const limit = page.el.querySelector('select[name=limit]') as HTMLSelectElement;
    limit.value = '25';
    limit.dispatchEvent(new Event('change'));
    await settle();
    const log = () => calls.map(([c]) => c).filter((c) => c.includes('/v1/notifications'));
    expect(log()).toEqual(['GET /v1/notifications', 'GET /v1/notifications?status=failed', 'GET /v1/notifications?status=failed&limit=25']);
    expect(urls.at(-1)).toBe('status=failed&limit=25');

    const button = (label: string) => [...page.el.querySelectorAll('nav.pager button')].find((b) => b.textContent === label) as HTMLButtonElement | undefined;
    expect(button('← Newer')).toBeUndefined();
    button('Older →')!.click();
    await settle();
    expect(log().at(-1)).toBe('GET /v1/notifications?status=failed&limit=25&after=d2');
    expect(urls.at(-1)).toBe('status=failed&limit=25&after=d2');
    expect(rows(page.el).map((r) => r[4])).toEqual(['retrying after 2 attemptsnext at 2026-11-21 12:01:00Z']);
    expect(button('Older →')).toBeUndefined();

    button('← Newer')!.click();
    await settle();
    expect(log().at(-1)).toBe('GET /v1/notifications?status=failed&limit=25');
    expect(page.el.querySelectorAll('tbody tr').length).toBe(2);
  });

  it('opens the page the URL names and goes back to the newest', async () => {
    const { ctx, calls } = ctxWith((_m, url) => url.startsWith('/v1/channels') ? [200, { channels: [] }] : [200, { notifications: [] }], 'after=d9');
    const page = deliveriesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.textContent).toContain('No deliveries match.');
    ([...page.el.querySelectorAll('nav.pager button')].find((b) => b.textContent === 'Newest') as HTMLButtonElement).click();
    await settle();
    expect(calls.map(([c]) => c).filter((c) => c.includes('/v1/notifications'))).toEqual(['GET /v1/notifications?after=d9', 'GET /v1/notifications']);
  });

  it('shows the API\'s refusal with its field and keeps the filters', async () => {
    const { ctx } = ctxWith((_m, url) => url.startsWith('/v1/channels') ? [200, { channels: [] }]
      : [400, { status: 400, error: 'Bad Request', field: 'limit', reason: 'must be a whole number from 1 to 500' }]);
    const page = deliveriesPage(ctx);
    document.body.append(page.el);
    await settle();
    const alert = page.el.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('400 Bad Request');
    expect(alert.querySelector('.error-field')!.textContent).toContain('limit');
    expect(alert.textContent).toContain('must be a whole number from 1 to 500');
    expect(page.el.querySelector('select[name=status]')).not.toBeNull();
  });

  it('renders delivery text from the API as text, never as markup', async () => {
    const { ctx } = ctxWith((_m, url) => url.startsWith('/v1/channels') ? [200, { channels: [] }]
      : [200, { notifications: [{ ...failed, lastError: '<img src=x onerror=alert(1)>', title: '<b>x</b>' }] }]);
    const page = deliveriesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.querySelector('tbody img, tbody b')).toBeNull();
    expect(page.el.querySelector('td.reason')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('says so when the server has no delivery log', async () => {
    const { ctx } = ctxWith(() => [404, { status: 404, error: 'Not Found', reason: 'no such endpoint' }]);
    const page = deliveriesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect(page.el.textContent).toContain('The delivery log is not available on this server.');
    expect(page.el.querySelector('select[name=status]')).toBeNull();
  });
});
