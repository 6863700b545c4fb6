// The command palette's logic, apart from the view: the answer laid out as rows under group
// headings (the order ↑/↓ walks), and a debounced search that drops stale answers.
import type { SearchAnswer, SearchGroup, SearchHit } from '../ipc/commands';

export type GroupId = 'tenants' | 'objects' | 'settings' | 'findings';

export const GROUPS: readonly { id: GroupId; label: string }[] = [
  { id: 'tenants', label: 'Tenants' },
  { id: 'objects', label: 'Objects' },
  { id: 'settings', label: 'Settings' },
  { id: 'findings', label: 'Findings' },
];

/** A group as shown: its heading and hits, and where its first hit sits in the flat order. */
export interface ShownGroup {
  id: GroupId;
  label: string;
  hits: SearchHit[];
  total: number;
  more: number;
  /** Index of the group's first hit among all hits shown (for ↑/↓ and aria-activedescendant). */
  start: number;
}

/** The non-empty groups of `answer`, in the fixed order, each knowing its place in the walk. */
export function layout(answer: SearchAnswer): ShownGroup[] {
  const out: ShownGroup[] = [];
  let start = 0;
  for (const { id, label } of GROUPS) {
    const group: SearchGroup = answer[id];
    if (group.hits.length === 0) continue;
    out.push({ id, label, hits: group.hits, total: group.total, more: group.more, start });
    start += group.hits.length;
  }
  return out;
}

/** Every hit shown, in the order ↑/↓ walks them. */
export function flatten(groups: ShownGroup[]): SearchHit[] {
  return groups.flatMap((g) => g.hits);
}

/** The next active row for a key: ↓ from nothing is the first, ↑ from nothing the last; both wrap. */
export function move(active: number, count: number, key: 'ArrowDown' | 'ArrowUp'): number {
  if (count === 0) return -1;
  if (key === 'ArrowDown') return active < 0 || active >= count - 1 ? 0 : active + 1;
  return active <= 0 ? count - 1 : active - 1;
}

/** One line for people about a hit, for its accessible name. */
export function describe(hit: SearchHit): string {
  switch (hit.type) {
    case 'tenant':
      return `Tenant ${hit.tenant_name}, ${hit.tenant_domain}`;
    case 'object':
      return `${hit.kind_label} ${hit.name} in ${hit.tenant_name}`;
    case 'setting':
      return `${hit.setting}: ${hit.value}, ${hit.object_name} in ${hit.tenant_name}`;
    case 'finding':
      return `${hit.severity} finding, ${hit.object} ${hit.drift} in ${hit.tenant_name}`;
  }
}

export type SearchState =
  | { state: 'idle' }
  | { state: 'loading'; query: string }
  | { state: 'ready'; query: string; answer: SearchAnswer }
  | { state: 'failed'; query: string; error: unknown };

/**
 * Asks `search` `delay()` ms after the last change of the query, and tells `onstate` what to show.
 * An answer to anything but the latest query is dropped, however late it arrives; an empty query
 * is `idle` at once, with nothing asked.
 */
export function debouncedSearch(
  search: (query: string) => Promise<SearchAnswer>,
  onstate: (state: SearchState) => void,
  delay: () => number = () => 150,
): { set: (query: string) => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    latest += 1;
  };
  const set = (raw: string) => {
    cancel();
    const query = raw.trim();
    if (query === '') {
      onstate({ state: 'idle' });
      return;
    }
    const asked = latest;
    onstate({ state: 'loading', query });
    timer = setTimeout(() => {
      timer = undefined;
      search(query).then(
        (answer) => {
          if (asked === latest) onstate({ state: 'ready', query, answer });
        },
        (error: unknown) => {
          if (asked === latest) onstate({ state: 'failed', query, error });
        },
      );
    }, delay());
  };
  return { set, cancel };
}
