// The Operations table's logic: filters, sort, words for durations and kinds, and its CSV.
import type { RunRow } from '../ipc/commands';
import { toCsv } from '../csv';

export interface RunFilter {
  text: string;
  kind: string;
  status: string;
}

export type RunSortKey = 'started' | 'duration' | 'objects' | 'errors';
export interface RunSort {
  key: RunSortKey;
  dir: 'asc' | 'desc';
}

export const KIND_LABEL: Record<string, string> = {
  sync: 'Sync',
  drift: 'Drift check',
  restore: 'Restore',
  backup: 'Backup',
  report: 'Report',
};

export const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  partial: 'Partial',
  failed: 'Failed',
};

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind;
}

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status;
}

/** The tenant as people know it; a run of a tenant no longer in the workspace shows its id. */
export function tenantText(run: RunRow): string {
  if (run.tenant_name !== null) return run.tenant_name;
  if (run.tenant_id !== null) return `${run.tenant_id} (removed)`;
  return '—';
}

/** "850 ms", "12.4 s", "3 min 05 s", "—" while running. */
export function durationText(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

export function filterRuns(runs: readonly RunRow[], filter: RunFilter): RunRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((run) => {
    if (filter.kind !== '' && run.kind !== filter.kind) return false;
    if (filter.status !== '' && run.status !== filter.status) return false;
    if (words.length === 0) return true;
    const hay = [run.id, run.kind, kindLabel(run.kind), run.tenant_name, run.tenant_domain, run.tenant_id, run.status]
      .filter((x): x is string => x !== null)
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function sortRuns(runs: readonly RunRow[], sort: RunSort): RunRow[] {
  const value = (r: RunRow): number | string => {
    switch (sort.key) {
      case 'started':
        return r.started_at;
      case 'duration':
        return r.duration_ms ?? -1;
      case 'objects':
        return r.objects;
      case 'errors':
        return r.errors;
    }
  };
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Ties keep the newest first.
  return [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return -sign;
    if (x > y) return sign;
    return b.started_at.localeCompare(a.started_at);
  });
}

/** The kinds present, for the kind filter. */
export function kindsOf(runs: readonly RunRow[]): string[] {
  return [...new Set(runs.map((r) => r.kind))].sort();
}

/** The rows as the table shows them, as CSV. */
export function runsCsv(runs: readonly RunRow[]): string {
  return toCsv<RunRow>(
    [
      ['Run', (r) => r.id],
      ['Kind', (r) => kindLabel(r.kind)],
      ['Tenant', (r) => r.tenant_name],
      ['Tenant domain', (r) => r.tenant_domain],
      ['Tenant id', (r) => r.tenant_id],
      ['Status', (r) => statusLabel(r.status)],
      ['Started', (r) => r.started_at],
      ['Finished', (r) => r.finished_at],
      ['Duration (ms)', (r) => r.duration_ms],
      ['Objects', (r) => r.objects],
      ['New versions', (r) => r.versions_added],
      ['HTTP requests', (r) => r.requests],
      ['Graph calls', (r) => r.graph_calls],
      ['Retries', (r) => r.retries],
      ['Throttled', (r) => r.throttled],
      ['Errors', (r) => r.errors],
    ],
    runs,
  );
}
