import { describe, expect, it } from 'vitest';
import { auditTable, entryKind } from '../src/pages/audit';
import type { AuditEntry } from '../src/api/alerting';

describe('audit log: notification configuration changes', () => {
  const route: AuditEntry = {
    at: '2026-11-22T10:00:00Z', who: 'key:ab12cd34', action: 'route.update', kind: 'route', target: 'rt_1',
    before: { matchers: ['team=payments'] } as never, after: { matchers: ['team=checkout'] } as never,
    summary: 'matchers: [team=payments] → [team=checkout]',
  };
  const silence: AuditEntry = {
    at: '2026-11-22T10:01:00Z', who: 'slack:U1 (ana)', action: 'silence.create', kind: 'silence', target: 'sil_1',
    before: null, after: { matchers: ['service=db'] } as never,
    summary: 'created matchers=[service=db], endsAt=2026-11-22T12:01:00Z',
  };

  it('shows the server\'s summary of what changed, and marks each row with its kind', () => {
    const t = auditTable([silence, route]);
    const rows = [...t.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual(['silence', 'route']);
    expect(rows.map((r) => r.lastElementChild!.textContent)).toEqual([
      'created matchers=[service=db], endsAt=2026-11-22T12:01:00Z', 'matchers: [team=payments] → [team=checkout]']);
    expect(rows[0]!.children[1]!.textContent).toBe('slack:U1 (ana)');
  });

  it('shows a summary as text, never as markup', () => {
    const t = auditTable([{ ...route, summary: 'name: a → <img src=x onerror=alert(1)>' }]);
    expect(t.querySelector('img')).toBeNull();
    expect(t.querySelector('tbody td:last-child')!.textContent).toBe('name: a → <img src=x onerror=alert(1)>');
  });

  it('takes the kind from the action when an entry has none', () => {
    expect(entryKind({ ...route, kind: undefined, action: 'maintenance-window.delete' })).toBe('maintenance-window');
    expect(entryKind({ ...route, kind: undefined, action: 'monitor.update' })).toBe('monitor');
  });
});
