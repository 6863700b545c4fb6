import { describe, expect, it } from 'vitest';
import { activity, afterOutcome, afterProgress, countOutcomes, queued } from './sync';
import type { SyncOutcome } from '../ipc/commands';

const outcome = (status: string, over: Partial<SyncOutcome> = {}): SyncOutcome => ({
  tenant_id: 't',
  name: 'Contoso',
  status,
  objects: 10,
  versions_added: 1,
  skipped: [],
  errors: [],
  duration_ms: 5,
  ...over,
});

describe('a tenant in Sync all', () => {
  it('runs through started, kinds, details and finished', () => {
    let t = queued('t', 't');
    t = afterProgress(t, { event: 'started', tenant_id: 't', name: 'Contoso', steps: 3 });
    expect([t.name, t.state, activity(t)]).toEqual(['Contoso', 'running', '0/3 kinds, 0 objects']);
    t = afterProgress(t, { event: 'kind_read', tenant_id: 't', kind: 'k', objects: 7 });
    expect(activity(t)).toBe('1/3 kinds, 7 objects');
    t = afterProgress(t, { event: 'details_read', tenant_id: 't', done: 2, total: 7 });
    expect(activity(t)).toBe('reading details 2/7');
    t = afterProgress(t, { event: 'finished', tenant_id: 't', status: 'partial' });
    expect([t.state, t.details]).toEqual(['partial', null]);
  });

  it('takes the outcome as final, with the first error or skip as its message', () => {
    const t = queued('t', 't');
    expect(afterOutcome(t, outcome('failed', { errors: ['graph said 403', 'more'] })).message).toBe('graph said 403');
    expect(afterOutcome(t, outcome('partial', { skipped: ['scripts: no consent'] })).message).toBe(
      'scripts: no consent',
    );
    // A status this window does not know is never shown as success.
    expect(afterOutcome(t, outcome('exploded')).state).toBe('failed');
  });

  it('counts the outcomes', () => {
    expect(countOutcomes([outcome('succeeded'), outcome('succeeded'), outcome('cancelled'), outcome('odd')])).toEqual({
      succeeded: 2,
      partial: 0,
      failed: 1,
      cancelled: 1,
    });
  });
});
