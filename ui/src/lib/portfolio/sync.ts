// "Sync all" as the panel shows it: each tenant's state folded from the progress events, then
// settled by the outcomes `syncAll` resolves with.
import type { SyncOutcome, SyncProgress } from '../ipc/commands';

export type TenantSyncState = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';

export interface TenantSync {
  id: string;
  name: string;
  state: TenantSyncState;
  /** Kinds to read, and read so far. */
  steps: number;
  kindsRead: number;
  objects: number;
  /** Per-object details read so far, while they are being read. */
  details: { done: number; total: number } | null;
  /** Why it failed or what it skipped, once it ended. */
  message: string | null;
}

const ENDED: readonly string[] = ['succeeded', 'partial', 'failed', 'cancelled'];

function ended(status: string): TenantSyncState {
  // An unknown word from a newer engine is not shown as success.
  return ENDED.includes(status) ? (status as TenantSyncState) : 'failed';
}

export function queued(id: string, name: string): TenantSync {
  return { id, name, state: 'queued', steps: 0, kindsRead: 0, objects: 0, details: null, message: null };
}

/** The tenant's state after one progress event about it. */
export function afterProgress(prev: TenantSync, event: SyncProgress): TenantSync {
  switch (event.event) {
    case 'started':
      return { ...queued(prev.id, event.name), state: 'running', steps: event.steps };
    case 'kind_read':
      return { ...prev, state: 'running', kindsRead: prev.kindsRead + 1, objects: prev.objects + event.objects };
    case 'details_read':
      return { ...prev, state: 'running', details: { done: event.done, total: event.total } };
    case 'finished':
      return { ...prev, state: ended(event.status), details: null };
    case 'report_step':
      // A report's step (the Reports screen's); a sync never sends one.
      return prev;
  }
}

/** The tenant's state once `syncAll` said how its sync ended. */
export function afterOutcome(prev: TenantSync, outcome: SyncOutcome): TenantSync {
  return {
    ...prev,
    name: outcome.name,
    state: ended(outcome.status),
    objects: outcome.objects,
    details: null,
    message: outcome.errors[0] ?? outcome.skipped[0] ?? null,
  };
}

/** What a running tenant is doing, in a few words. */
export function activity(t: TenantSync): string {
  if (t.details !== null) {
    return `reading details ${t.details.done}/${t.details.total}`;
  }
  if (t.steps > 0) {
    return `${t.kindsRead}/${t.steps} kinds, ${t.objects} objects`;
  }
  return 'starting';
}

export interface SyncCounts {
  succeeded: number;
  partial: number;
  failed: number;
  cancelled: number;
}

export function countOutcomes(outcomes: readonly SyncOutcome[]): SyncCounts {
  const counts: SyncCounts = { succeeded: 0, partial: 0, failed: 0, cancelled: 0 };
  for (const o of outcomes) {
    counts[ended(o.status) as keyof SyncCounts] += 1;
  }
  return counts;
}
