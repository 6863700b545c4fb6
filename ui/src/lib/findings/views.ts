// Saved views of the Findings workbench: a name for a set of filters and a sort ("High, open, >30
// days", "Fabrikam's CA drift"), kept in the web view's local storage on this computer.
import { DEFAULT_FILTER, DEFAULT_SORT, type Filter, type Sort } from './table';

export interface SavedView {
  name: string;
  filter: Filter;
  sort: Sort;
}

const KEY = 'tenantatlas.findings-views';
export const MAX_VIEWS = 30;
export const MAX_NAME = 60;

/** A view as stored: only the fields a filter and sort have, each of the right type; anything
 * else in storage (another version's shape, a hand edit) is dropped. */
function readView(value: unknown): SavedView | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || v.name.trim() === '') return null;
  const f = (v.filter ?? {}) as Record<string, unknown>;
  const s = (v.sort ?? {}) as Record<string, unknown>;
  const filter = { ...DEFAULT_FILTER };
  for (const key of Object.keys(DEFAULT_FILTER) as (keyof Filter)[]) {
    if (typeof f[key] === 'string') (filter as Record<string, string>)[key] = f[key] as string;
  }
  const sort = {
    key: typeof s.key === 'string' ? s.key : DEFAULT_SORT.key,
    dir: s.dir === 'asc' || s.dir === 'desc' ? s.dir : DEFAULT_SORT.dir,
  } as Sort;
  return { name: v.name.slice(0, MAX_NAME), filter, sort };
}

export function loadViews(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.map(readView).filter((v): v is SavedView => v !== null).slice(0, MAX_VIEWS);
  } catch {
    return [];
  }
}

export function saveViews(views: readonly SavedView[], storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(views));
  } catch {
    // A full or refused storage only costs the views.
  }
}

/** `views` with `view` in it: replacing one of the same name (ignoring case), else added, sorted
 * by name. */
export function upsertView(views: readonly SavedView[], view: SavedView): SavedView[] {
  const name = view.name.trim().slice(0, MAX_NAME);
  const rest = views.filter((v) => v.name.toLowerCase() !== name.toLowerCase());
  return [...rest, { ...view, name }].sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_VIEWS);
}

export function removeView(views: readonly SavedView[], name: string): SavedView[] {
  return views.filter((v) => v.name !== name);
}
