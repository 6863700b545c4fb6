// The Settings screen's logic apart from its markup: the sync schedule's choices and how the
// next sync reads. `now` is always an argument.

export interface IntervalChoice {
  minutes: number;
  label: string;
}

/** What the schedule select offers; the engine takes 0 or 15–1440 minutes. */
export const INTERVALS: readonly IntervalChoice[] = [
  { minutes: 0, label: 'Off' },
  { minutes: 15, label: 'Every 15 minutes' },
  { minutes: 30, label: 'Every 30 minutes' },
  { minutes: 60, label: 'Hourly' },
  { minutes: 240, label: 'Every 4 hours' },
  { minutes: 1440, label: 'Daily' },
];

/** The choices, with the workspace's own value added when it was set elsewhere (the command line). */
export function intervalChoices(current: number): IntervalChoice[] {
  if (INTERVALS.some((c) => c.minutes === current)) return [...INTERVALS];
  return [...INTERVALS, { minutes: current, label: `Every ${current} minutes` }].sort((a, b) => a.minutes - b.minutes);
}

/** "next sync in 42 min", "next sync in 3 h 5 min", "next sync within a minute"; null when off. */
export function nextSyncText(nextAt: string | null, now: Date): string | null {
  if (nextAt === null) return null;
  const ms = Date.parse(nextAt) - now.getTime();
  if (Number.isNaN(ms)) return null;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 1) return 'next sync within a minute';
  if (minutes < 60) return `next sync in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `next sync in ${hours} h` : `next sync in ${hours} h ${rest} min`;
}
