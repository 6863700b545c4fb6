// The Baselines screen's logic, apart from the view: scores and origins in words, a baseline's
// objects grouped by kind under a filter, and the objects of a tenant to pick for a new baseline.
import type { BaselineObjectRow, BaselineSummary, InventoryRow } from '../ipc/commands';

export const RATING_WORDS: Record<string, string> = {
  good: 'Good',
  needs_attention: 'Needs attention',
  at_risk: 'At risk',
  failing: 'Failing',
  not_checked: 'Not checked',
};

/** A score as the window shows it: one decimal, or a dash before the first drift check. */
export function scoreText(score: number | null): string {
  return score === null ? '—' : score.toFixed(1);
}

/** Where a baseline came from, in words. */
export function originText(b: Pick<BaselineSummary, 'origin' | 'source_tenant'>): string {
  if (b.origin === 'file') return 'from a file';
  if (b.origin === 'approved') return `approved snapshot of ${b.source_tenant}`;
  return b.source_tenant === '' ? 'from a tenant' : `from ${b.source_tenant}`;
}

/** Words of `text` all found in `hay`, any case. */
function matches(hay: string, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const lower = hay.toLowerCase();
  return words.every((w) => lower.includes(w));
}

export interface KindGroup<T> {
  kind: string;
  label: string;
  objects: T[];
}

/** Objects whose kind or name matches `text`, grouped by kind in the order they come. */
export function groupByKind<T extends { kind: string; kind_label: string; name: string }>(objects: readonly T[], text: string): KindGroup<T>[] {
  const groups: KindGroup<T>[] = [];
  for (const o of objects) {
    if (!matches(`${o.kind_label} ${o.name}`, text)) continue;
    let group = groups.find((g) => g.kind === o.kind);
    if (group === undefined) {
      group = { kind: o.kind, label: o.kind_label, objects: [] };
      groups.push(group);
    }
    group.objects.push(o);
  }
  return groups;
}

/** A tenant's live objects to pick from, by kind then name, filtered by kind and text. */
export function pickable(inventory: readonly InventoryRow[], kind: string, text: string): InventoryRow[] {
  return inventory
    .filter((i) => !i.deleted && (kind === '' || i.kind === kind) && matches(`${i.kind_label} ${i.name}`, text))
    .sort((a, b) => a.kind_label.localeCompare(b.kind_label) || a.name.localeCompare(b.name));
}

/** The name with `value` replaced by `{placeholder}`, as the engine makes templates (for a preview). */
export function templatePreview(name: string, placeholder: string, value: string): string {
  if (placeholder.trim() === '' || value === '') return name;
  return name.split(value).join(`{${placeholder.trim()}}`);
}

export type { BaselineObjectRow };
