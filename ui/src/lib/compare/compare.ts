// The Compare screen's logic, apart from the view: which rows show under the status chips and the
// text filter, their CSV, and the words for each status given the two sides' titles.
import { toCsv } from '../csv';
import type { CompareResult, CompareRow, CompareStatus, SidePick } from '../ipc/commands';

export const STATUSES: readonly CompareStatus[] = ['only_left', 'only_right', 'different', 'same'];

/** What the window shows by default: what differs. "Same" is one click away. */
export const DEFAULT_SHOWN: readonly CompareStatus[] = ['only_left', 'only_right', 'different'];

export function countOf(result: CompareResult, status: CompareStatus): number {
  return result[status];
}

/** A status in words, naming the side ("Only in Contoso Ltd"). */
export function statusLabel(status: CompareStatus, left: string, right: string): string {
  switch (status) {
    case 'only_left':
      return `Only in ${left}`;
    case 'only_right':
      return `Only in ${right}`;
    case 'different':
      return 'Different';
    case 'same':
      return 'Same';
  }
}

/** The rows whose status is shown and whose kind or name holds every word of `text`. */
export function filterRows(rows: readonly CompareRow[], shown: readonly CompareStatus[], text: string): CompareRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (!shown.includes(r.status)) return false;
    const hay = `${r.kind_label} ${r.name}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The rows as CSV: one line per object, then one per change of a different object. */
export function compareCsv(result: CompareResult, rows: readonly CompareRow[]): string {
  type Line = { row: CompareRow; setting: string; left: string; right: string };
  const lines: Line[] = [];
  for (const row of rows) {
    if (row.changes.length === 0) {
      lines.push({ row, setting: '', left: '', right: '' });
    }
    for (const c of row.changes) {
      lines.push({ row, setting: c.setting, left: c.before ?? '', right: c.after ?? '' });
    }
  }
  const [l, r] = [result.left.title, result.right.title];
  return toCsv<Line>(
    [
      ['Kind', (x) => x.row.kind_label],
      ['Object', (x) => x.row.name],
      ['Status', (x) => statusLabel(x.row.status, l, r)],
      ['Setting', (x) => x.setting],
      [l, (x) => x.left],
      [r, (x) => x.right],
    ],
    lines,
  );
}

/** A side picked in the window: a tenant (its latest snapshot, or one by id) or a baseline. */
export type Pick = { type: 'tenant'; tenant: string; snapshot: number | null } | { type: 'baseline'; name: string } | null;

export function toSidePick(pick: Exclude<Pick, null>): SidePick {
  return pick.type === 'tenant'
    ? { type: 'tenant', tenant: pick.tenant, snapshot: pick.snapshot }
    : { type: 'baseline', name: pick.name };
}

/** The `<select>` value of a pick: `t:<id>` or `b:<name>`. */
export function pickValue(pick: Pick): string {
  if (pick === null) return '';
  return pick.type === 'tenant' ? `t:${pick.tenant}` : `b:${pick.name}`;
}

export function pickFromValue(value: string): Pick {
  if (value.startsWith('t:')) return { type: 'tenant', tenant: value.slice(2), snapshot: null };
  if (value.startsWith('b:')) return { type: 'baseline', name: value.slice(2) };
  return null;
}
