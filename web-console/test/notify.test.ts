import { beforeEach, describe, expect, it } from 'vitest';
import { channelInput, channelsPage, silenceInput, silencesPage, testOutcome } from '../src/pages/notify';
import { ctxWith } from './page-context';
import type { Channel, Silence } from '../src/api/notify';


const settle = () => new Promise((r) => setTimeout(r, 0));
const silence: Silence = { id: 'sil_1', matchers: ['service=checkout', 'severity=~warning|info'], startsAt: '2026-11-21T12:00:00Z',
  endsAt: '2026-11-21T14:00:00Z', createdBy: 'ana', comment: 'migration', createdAt: '2026-11-21T12:00:00Z', state: 'active' };
const hook: Channel = { id: 'ch_1', name: 'ops-hook', type: 'webhook', config: {}, secrets: ['signingSecret', 'url'],
  createdAt: '2026-11-21T12:00:00Z', updatedAt: '2026-11-21T12:00:00Z' };

beforeEach(() => { document.body.replaceChildren(); });

describe('silences', () => {
  it('sends one matcher per line, the duration, who and why', () => {
    expect(silenceInput({ matchers: ' service=checkout \n\nseverity=~warning|info', duration: '2h ', comment: '' }, 'ana'))
      .toEqual({ matchers: ['service=checkout', 'severity=~warning|info'], duration: '2h', createdBy: 'ana' });
  });

  it('lists silences, creates one as the person acting and expires one with DELETE', async () => {
    let listed: Silence[] = [silence];
    const { ctx, calls } = ctxWith((m, url) => {
      if (url.startsWith('/v1/maintenance-windows')) return [200, { maintenanceWindows: [] }];
      if (url.startsWith('/v1/inhibitions')) return [200, { inhibitions: [], builtInRuleActive: true }];
      if (m === 'POST') return [201, { ...silence, id: 'sil_2', matchers: ['env=dev'] }];
      if (m === 'DELETE') { listed = [{ ...silence, state: 'expired' }]; return [200, listed[0]]; }
      return [200, { silences: listed }];
    });
    ctx.session.actor = 'bo';
    const page = silencesPage(ctx);
    document.body.append(page.el);
    await settle();
    const row = page.el.querySelector('tr[data-id=sil_1]')!;
    expect(row.getAttribute('data-state')).toBe('active');
    expect(row.textContent).toContain('service=checkout');
    const matchers = page.el.querySelector('textarea[name=matchers]') as HTMLTextAreaElement;
    matchers.value = 'env=dev';
    matchers.dispatchEvent(new Event('input'));
    (page.el.querySelector('form') as HTMLFormElement).requestSubmit();
    await settle(); await settle();
    expect(calls.find(([c]) => c === 'POST /v1/silences')![1]).toEqual({ matchers: ['env=dev'], duration: '2h', createdBy: 'bo' });
    (page.el.querySelector('tr[data-id=sil_1] button') as HTMLButtonElement).click();
    await settle(); await settle();
    expect(calls.map(([c]) => c)).toContain('DELETE /v1/silences/sil_1');
    expect(page.el.querySelector('tr[data-id=sil_1]')!.getAttribute('data-state')).toBe('expired');
    expect(page.el.querySelector('tr[data-id=sil_1] button')).toBeNull();
  });
});

describe('channels', () => {
  it('sends only the chosen type\'s settings that were filled in', () => {
    expect(channelInput(' ops ', 'webhook', { url: 'http://127.0.0.1:9/hook', signingSecret: '', channel: 'x' }))
      .toEqual({ name: 'ops', type: 'webhook', config: { url: 'http://127.0.0.1:9/hook' } });
  });

  it('shows which secrets are set, never a value, and a test delivery\'s outcome', async () => {
    const { ctx, calls } = ctxWith((m) => m === 'POST'
      ? [200, { id: 'n1', tenant: 't', channelId: 'ch_1', channelType: 'webhook', kind: 'test', alertIds: [], title: 't', status: 'failed',
        attempts: 1, lastHttpStatus: 404, lastError: 'refused', createdAt: 'x', updatedAt: 'x' }]
      : [200, { channels: [hook] }]);
    const page = channelsPage(ctx);
    document.body.append(page.el);
    await settle();
    const row = page.el.querySelector('tr[data-id=ch_1]')!;
    expect(row.textContent).toContain('url ••••');
    (row.querySelector('button') as HTMLButtonElement).click();
    await settle(); await settle();
    expect(calls.map(([c]) => c)).toContain('POST /v1/channels/ch_1/test');
    expect(page.el.querySelector('[data-testid=test-outcome]')!.textContent).toBe('Test to ops-hook: failed (HTTP 404) — refused');
  });

  it('creates a webhook channel and forgets the secret URL once sent', async () => {
    const { ctx, calls } = ctxWith((m) => m === 'POST' ? [201, hook] : [200, { channels: [] }]);
    const page = channelsPage(ctx);
    document.body.append(page.el);
    await settle();
    (page.el.querySelector('input[name=name]') as HTMLInputElement).value = 'ops-hook';
    const url = page.el.querySelector('input[data-key=url]') as HTMLInputElement;
    expect(url.type).toBe('password');
    url.value = 'http://127.0.0.1:9/secret-hook';
    (page.el.querySelector('form') as HTMLFormElement).requestSubmit();
    await settle(); await settle();
    expect(calls.find(([c]) => c === 'POST /v1/channels')![1]).toEqual({ name: 'ops-hook', type: 'webhook', config: { url: 'http://127.0.0.1:9/secret-hook' } });
    expect(page.el.innerHTML).not.toContain('secret-hook');
    expect((page.el.querySelector('input[data-key=url]') as HTMLInputElement).value).toBe('');
  });

  it('says what a sent test came to', () => {
    expect(testOutcome(hook, { status: 'sent', lastHttpStatus: 200 } as never)).toBe('Test to ops-hook: sent (HTTP 200)');
  });
});
