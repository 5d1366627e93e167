import { beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_RULE, inhibitionInput, inhibitionsSection, windowInput, windowsSection } from '../src/pages/muting';
import { silencesPage } from '../src/pages/notify';
import { ctxWith } from './page-context';
import type { InhibitionRule, MaintenanceWindow } from '../src/api/notify';


const settle = async () => { for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0)); };
const sunday: MaintenanceWindow = { id: 'mw_1', name: 'Sunday maintenance', matchers: ['team=payments'], timezone: 'Europe/Berlin',
  days: ['SUN'], start: '02:00', end: '04:00', createdAt: '2026-11-21T12:00:00Z', activeNow: false };
const rule: InhibitionRule = { id: 'inh_1', sourceMatchers: ['severity=critical'], targetMatchers: ['severity=warning'], equal: ['host'],
  comment: 'host down', createdAt: '2026-11-21T12:00:00Z' };

function submit(el: HTMLElement, label: string): void {
  (el.querySelector(`form[aria-label="${label}"]`) as HTMLFormElement).requestSubmit();
}

function type(el: HTMLElement, name: string, value: string): void {
  const input = el.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

beforeEach(() => { document.body.replaceChildren(); });

describe('maintenance windows', () => {
  it('sends the days in week order, one matcher per line, UTC when no zone is given', () => {
    expect(windowInput({ name: ' nightly ', matchers: ' team=payments \n\n', timezone: ' ', days: ['SUN', 'MON'], start: '23:00', end: '01:00' }))
      .toEqual({ name: 'nightly', matchers: ['team=payments'], timezone: 'UTC', days: ['MON', 'SUN'], start: '23:00', end: '01:00' });
  });

  it('lists windows, creates one with the chosen days and deletes one', async () => {
    let listed: MaintenanceWindow[] = [sunday];
    const { ctx, calls } = ctxWith((m, url, body) => {
      if (m === 'POST') { const w = { ...sunday, ...(body as object), id: 'mw_2', activeNow: true }; listed = [...listed, w]; return [201, w]; }
      if (m === 'DELETE') { listed = listed.filter((w) => !url.endsWith(w.id)); return [204, null]; }
      return [200, { maintenanceWindows: listed }];
    });
    const el = windowsSection(ctx);
    document.body.append(el);
    await settle();
    const row = el.querySelector('tr[data-id=mw_1]')!;
    expect(row.textContent).toContain('SUN 02:00–04:00 (Europe/Berlin)');
    expect(row.textContent).toContain('team=payments');

    type(el, 'window.name', 'Saturday deploys');
    type(el, 'window.timezone', 'Europe/Berlin');
    (el.querySelector('input[name="window.days"][value=SAT]') as HTMLInputElement).click();
    (el.querySelector('input[name="window.days"][value=SUN]') as HTMLInputElement).click();
    submit(el, 'New maintenance window');
    await settle();
    expect(calls.find(([c]) => c === 'POST /v1/maintenance-windows')![1]).toEqual({ name: 'Saturday deploys', matchers: [],
      timezone: 'Europe/Berlin', days: ['SAT'], start: '02:00', end: '04:00' });
    expect(el.querySelector('tr[data-id=mw_2]')!.getAttribute('data-active')).toBe('true');
    expect(el.querySelector('tr[data-id=mw_2]')!.textContent).toContain('every alert');

    (el.querySelector('tr[data-id=mw_1] button') as HTMLButtonElement).click();
    await settle();
    expect(calls.map(([c]) => c)).toContain('DELETE /v1/maintenance-windows/mw_1');
    expect(el.querySelector('tr[data-id=mw_1]')).toBeNull();
  });

  it('shows the API\'s refusal with its field', async () => {
    const { ctx } = ctxWith((m) => m === 'POST'
      ? [400, { status: 400, error: 'Bad Request', field: 'timezone', reason: '"Mars/Olympus" is not a time zone' }]
      : [200, { maintenanceWindows: [] }]);
    const el = windowsSection(ctx);
    document.body.append(el);
    await settle();
    type(el, 'window.name', 'x');
    submit(el, 'New maintenance window');
    await settle();
    const alert = el.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('timezone');
    expect(alert.textContent).toContain('is not a time zone');
  });
});

describe('inhibition rules', () => {
  it('sends matchers one per line and the equal labels split on commas and spaces', () => {
    expect(inhibitionInput({ sourceMatchers: 'severity=critical\n', targetMatchers: ' severity=warning \n team=db', equal: 'host, service  dc', comment: ' ' }))
      .toEqual({ sourceMatchers: ['severity=critical'], targetMatchers: ['severity=warning', 'team=db'], equal: ['host', 'service', 'dc'] });
  });

  it('says the built-in rule applies while there are no rules, creates one and deletes it', async () => {
    let listed: InhibitionRule[] = [];
    const { ctx, calls } = ctxWith((m, url, body) => {
      if (m === 'POST') { const r = { ...rule, ...(body as object), id: 'inh_2' }; listed = [r]; return [201, r]; }
      if (m === 'DELETE') { listed = listed.filter((r) => !url.endsWith(r.id)); return [204, null]; }
      return [200, { inhibitions: listed, builtInRuleActive: listed.length === 0 }];
    });
    const el = inhibitionsSection(ctx);
    document.body.append(el);
    await settle();
    expect(el.querySelector('[data-testid=built-in-rule]')!.textContent).toBe(BUILT_IN_RULE);

    type(el, 'inhibition.equal', 'host');
    type(el, 'inhibition.comment', 'a host that is down needs no disk warnings');
    submit(el, 'New inhibition rule');
    await settle();
    expect(calls.find(([c]) => c === 'POST /v1/inhibitions')![1]).toEqual({ sourceMatchers: ['severity=critical'],
      targetMatchers: ['severity=warning'], equal: ['host'], comment: 'a host that is down needs no disk warnings' });
    const row = el.querySelector('tr[data-id=inh_2]')!;
    expect(row.textContent).toContain('severity=critical');
    expect(row.textContent).toContain('host');
    expect(el.querySelector('[data-testid=built-in-rule]')).toBeNull();

    (row.querySelector('button') as HTMLButtonElement).click();
    await settle();
    expect(calls.map(([c]) => c)).toContain('DELETE /v1/inhibitions/inh_2');
    expect(el.querySelector('[data-testid=built-in-rule]')).not.toBeNull();
  });

  it('renders matchers from the API as text, never as markup', async () => {
    const { ctx } = ctxWith(() => [200, { inhibitions: [{ ...rule, comment: '<img src=x onerror=alert(1)>' }], builtInRuleActive: false }]);
    const el = inhibitionsSection(ctx);
    document.body.append(el);
    await settle();
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});

describe('the silences page', () => {
  it('lists silences, maintenance windows and inhibition rules together', async () => {
    const { ctx } = ctxWith((_m, url) => {
      if (url.startsWith('/v1/maintenance-windows')) return [200, { maintenanceWindows: [sunday] }];
      if (url.startsWith('/v1/inhibitions')) return [200, { inhibitions: [rule], builtInRuleActive: false }];
      return [200, { silences: [] }];
    });
    const page = silencesPage(ctx);
    document.body.append(page.el);
    await settle();
    expect([...page.el.querySelectorAll('h1, h2')].map((e) => e.textContent)).toEqual(
      ['Silences, maintenance windows and inhibition', 'New silence', 'Maintenance windows', 'Inhibition rules']);
    expect(page.el.querySelector('tr[data-id=mw_1]')).not.toBeNull();
    expect(page.el.querySelector('tr[data-id=inh_1]')).not.toBeNull();
  });
});
