// The tenants opened lately, most recent first, for the top bar's switcher; kept per workspace in
// the web view's local storage (names and ids only, which the workspace shows anyway).

export interface RecentTenant {
  id: string;
  name: string;
}

export const MAX_RECENTS = 8;

const key = (workspace: string) => `tenantatlas.recent-tenants.${workspace}`;

/** `list` with `tenant` first, once, at most MAX_RECENTS long. */
export function remember(list: readonly RecentTenant[], tenant: RecentTenant): RecentTenant[] {
  return [tenant, ...list.filter((t) => t.id !== tenant.id)].slice(0, MAX_RECENTS);
}

/** The stored list; anything unreadable (another version's shape, a full or refused storage) is
 * an empty list, never an error. */
export function loadRecents(workspace: string, storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): RecentTenant[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key(workspace)) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((t): t is RecentTenant => typeof t?.id === 'string' && typeof t?.name === 'string')
      .slice(0, MAX_RECENTS);
  } catch {
    return [];
  }
}

export function saveRecents(
  workspace: string,
  list: readonly RecentTenant[],
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(key(workspace), JSON.stringify(list));
  } catch {
    // A full or refused storage only costs the list.
  }
}
