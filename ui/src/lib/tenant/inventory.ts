// The Tenant screen's inventory logic, apart from its markup so it can be tested as plain
// functions: filtering by text, kind, platform, assignment and deletion; grouping by kind; pages.
// A tenant has hundreds to a few thousand objects: the list shows one page of them at a time, so
// WebKitGTK never lays out thousands of rows (and no virtualiser needs inline styles).

import type { InventoryRow, Platform } from '../ipc/commands';

export type Assigned = 'any' | 'assigned' | 'unassigned';

export interface InventoryFilter {
  text: string;
  /** A kind's registry key, or `null` for every kind. */
  kind: string | null;
  platform: Platform | null;
  assigned: Assigned;
  /** Deleted objects are left out unless asked for. */
  showDeleted: boolean;
}

export const NO_FILTER: InventoryFilter = {
  text: '',
  kind: null,
  platform: null,
  assigned: 'any',
  showDeleted: false,
};

/** In the order and the words of the Intune admin center. */
export const PLATFORM_LABEL: Record<Platform, string> = {
  windows: 'Windows',
  macos: 'macOS',
  ios: 'iOS/iPadOS',
  android: 'Android',
  linux: 'Linux',
};

export const PLATFORMS = Object.keys(PLATFORM_LABEL) as Platform[];

/** How many rows a page shows. */
export const PAGE_SIZE = 100;

function matchesText(row: InventoryRow, needle: string): boolean {
  return (
    needle === '' ||
    row.name.toLowerCase().includes(needle) ||
    row.kind_label.toLowerCase().includes(needle) ||
    row.object_id.toLowerCase() === needle
  );
}

/** The rows `filter` lets through, in the order given (the engine's: kind, then name). */
export function filterInventory(rows: readonly InventoryRow[], filter: InventoryFilter): InventoryRow[] {
  const needle = filter.text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (filter.showDeleted || !row.deleted) &&
      (filter.kind === null || row.kind === filter.kind) &&
      (filter.platform === null || row.platforms.includes(filter.platform)) &&
      (filter.assigned === 'any' ||
        (filter.assigned === 'assigned' && (row.assignments ?? 0) > 0) ||
        (filter.assigned === 'unassigned' && row.assignments === 0)) &&
      matchesText(row, needle),
  );
}

export interface KindCount {
  kind: string;
  label: string;
  count: number;
}

/** Each kind the tenant has, by label, with how many objects the other filters let through. */
export function kindCounts(rows: readonly InventoryRow[], filter: InventoryFilter): KindCount[] {
  const counts = new Map<string, KindCount>();
  for (const row of rows) {
    if (!counts.has(row.kind)) counts.set(row.kind, { kind: row.kind, label: row.kind_label, count: 0 });
  }
  for (const row of filterInventory(rows, { ...filter, kind: null })) {
    (counts.get(row.kind) as KindCount).count += 1;
  }
  return [...counts.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export interface KindGroup {
  kind: string;
  label: string;
  rows: InventoryRow[];
}

/** Rows grouped by kind, groups by label, rows by name (live before deleted). */
export function groupByKind(rows: readonly InventoryRow[]): KindGroup[] {
  const groups = new Map<string, KindGroup>();
  for (const row of rows) {
    let group = groups.get(row.kind);
    if (group === undefined) {
      group = { kind: row.kind, label: row.kind_label, rows: [] };
      groups.set(row.kind, group);
    }
    group.rows.push(row);
  }
  const sorted = [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
  for (const group of sorted) {
    group.rows.sort((a, b) => Number(a.deleted) - Number(b.deleted) || a.name.localeCompare(b.name));
  }
  return sorted;
}

export interface Page<T> {
  items: T[];
  /** 0-based page number, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based positions of the first and last item shown; 0 and 0 when there are none. */
  first: number;
  last: number;
  total: number;
}

export function pageOf<T>(items: readonly T[], page: number, size = PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  const slice = items.slice(p * size, (p + 1) * size);
  return {
    items: slice,
    page: p,
    pages,
    first: slice.length === 0 ? 0 : p * size + 1,
    last: p * size + slice.length,
    total: items.length,
  };
}

/** "Not assigned", "1 assignment", "3 assignments"; `null` for kinds that are not assigned. */
export function assignmentText(count: number | null): string | null {
  if (count === null) return null;
  if (count === 0) return 'Not assigned';
  return count === 1 ? '1 assignment' : `${count} assignments`;
}

/** A time as the engineer reads it: local date and minutes, `2026-12-05 09:00`. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}
