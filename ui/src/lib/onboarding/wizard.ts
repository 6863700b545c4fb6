// The onboarding wizard's steps and how it can be opened.

/** How the wizard was opened: a new tenant, a tenant to sign in to again, or one signed in but
 * never synced (a half-finished onboarding, resumed at its first sync). */
export type Start =
  | { mode: 'connect' }
  | { mode: 'reconnect'; id: string; name: string }
  | { mode: 'resume'; id: string; name: string };

export type StepId = 'tenant' | 'signin' | 'permissions' | 'sync' | 'done';

export const STEPS: readonly { id: StepId; label: string }[] = [
  { id: 'tenant', label: 'Tenant' },
  { id: 'signin', label: 'Sign in' },
  { id: 'permissions', label: 'Permissions' },
  { id: 'sync', label: 'First sync' },
  { id: 'done', label: 'Done' },
];

export function stepIndex(id: StepId): number {
  return STEPS.findIndex((s) => s.id === id);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A tenant as the sign-in accepts it: a domain name (contoso.onmicrosoft.com) or a GUID. */
export function validTenant(text: string): boolean {
  const t = text.trim();
  return GUID.test(t) || DOMAIN.test(t);
}

/** How a Portfolio row opens the wizard, if it needs it: Reconnect when only signing in again
 * helps, Continue when onboarding stopped before the first sync. */
export function rowStart(row: {
  id: string;
  name: string;
  state: string;
  needs_reconnect: boolean;
  last_good_sync: string | null;
}): Start | null {
  if (row.needs_reconnect) return { mode: 'reconnect', id: row.id, name: row.name };
  if (row.state === 'onboarding' && row.last_good_sync === null) return { mode: 'resume', id: row.id, name: row.name };
  return null;
}
