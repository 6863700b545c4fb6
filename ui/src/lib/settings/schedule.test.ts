import { describe, expect, it } from 'vitest';
import { intervalChoices, nextSyncText } from './schedule';

const NOW = new Date('2026-12-05T12:00:00Z');
const inMinutes = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();

describe('the sync schedule', () => {
  it('offers the usual intervals, and one set elsewhere', () => {
    expect(intervalChoices(60).map((c) => c.label)).toEqual([
      'Off',
      'Every 15 minutes',
      'Every 30 minutes',
      'Hourly',
      'Every 4 hours',
      'Daily',
    ]);
    expect(intervalChoices(90).map((c) => c.minutes)).toEqual([0, 15, 30, 60, 90, 240, 1440]);
  });

  it('says when the next sync is', () => {
    expect(nextSyncText(null, NOW)).toBeNull();
    expect(nextSyncText('not a time', NOW)).toBeNull();
    expect(nextSyncText(inMinutes(-5), NOW)).toBe('next sync within a minute');
    expect(nextSyncText(inMinutes(42), NOW)).toBe('next sync in 42 min');
    expect(nextSyncText(inMinutes(120), NOW)).toBe('next sync in 2 h');
    expect(nextSyncText(inMinutes(185), NOW)).toBe('next sync in 3 h 5 min');
  });
});
