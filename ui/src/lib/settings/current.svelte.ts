// The workspace's settings other screens follow: the sync SLA (Portfolio, Tenant) and the app
// registration new tenants connect with (the onboarding wizard's placeholders). One shared state,
// updated when the Settings screen saves, so a change shows everywhere at once.

import { getSettings, type SettingsView, type TenantDefaults } from '../ipc/commands';
import { DEFAULT_SLA, type Sla } from '../portfolio/table';

export const workspaceSettings = $state<{ sla: Sla; tenantDefaults: TenantDefaults | null }>({
  sla: { ...DEFAULT_SLA },
  tenantDefaults: null,
});

export function applySettings(view: SettingsView): void {
  workspaceSettings.sla = { warnHours: view.sla_warn_hours, overdueHours: view.sla_overdue_hours };
  workspaceSettings.tenantDefaults = view.tenant_defaults;
}

/** Reads the settings again; on failure the last ones (or the defaults) stay. */
export async function loadWorkspaceSettings(): Promise<void> {
  try {
    const view = await getSettings();
    if (view) applySettings(view);
  } catch {
    // The screen that needs the workspace says what is wrong with it; the SLA keeps its last value.
  }
}
