// TEMPORARY: the IPC contract of issue 11's first screens, mirroring the transport types of
// src-tauri/src/ipc.rs (snake_case fields, tagged unions) as they were while the generated
// bindings in ./ipc/bindings and the typed wrappers in ./ipc/commands.ts were being written.
// The screens import from here so that one import path changes when those land; then this file
// goes.
//
// Nothing here calls `invoke` (only ./ipc/commands.ts may): every function fails with the
// CommandError a build without these commands would give, and the tests mock this module.

export type ErrorCode =
  | 'not_found'
  | 'invalid_input'
  | 'auth'
  | 'graph'
  | 'workspace'
  | 'cancelled'
  | 'no_workspace'
  | 'busy'
  | 'internal';

export interface CommandError {
  code: ErrorCode;
  message: string;
}

export type Protection = 'keychain' | 'passphrase';

/** The workspace open in this window. */
export interface OpenWorkspace {
  path: string;
  protection: Protection;
  /** The demo portfolio: invented data in a temporary folder, its simulated cloud running. */
  demo: boolean;
}

/** What the first-run screen needs to know. */
export interface WorkspaceStatus {
  default_path: string;
  default_exists: boolean;
  /** How the default workspace is protected; null when there is none yet. */
  default_protection: Protection | null;
  keychain_available: boolean;
  /** Opening the default workspace (or creating one without a keychain) needs a passphrase. */
  passphrase_needed: boolean;
  /** The workspace open in this window, if any. */
  open: OpenWorkspace | null;
}

export interface OpenWorkspaceArgs {
  path?: string;
  passphrase?: string;
}

/** One step of a tenant's sync, streamed while `sync_all` (or the demo) runs. */
export type SyncProgress =
  | { event: 'started'; tenant_id: string; name: string; steps: number }
  | { event: 'kind_read'; tenant_id: string; kind: string; objects: number }
  | { event: 'details_read'; tenant_id: string; done: number; total: number }
  | { event: 'finished'; tenant_id: string; status: string };

/** One step of the demo scenario, streamed while `open_demo` runs. */
export type DemoProgress =
  | { step: 'cloud_started'; tenants: number }
  | { step: 'tenant_connected'; name: string; domain: string; sign_in: string; done: number; total: number }
  | { step: 'syncing'; tenants: number }
  | { step: 'sync'; progress: SyncProgress }
  | { step: 'baseline_assigned'; baseline: string; tenants: number }
  | { step: 'drift_checked'; tenants: number; findings: number };

/** How one tenant's sync ended, in `sync_all`'s answer. */
export interface SyncOutcome {
  tenant_id: string;
  name: string;
  /** `succeeded`, `partial`, `failed`, or `cancelled`. */
  status: string;
  objects: number;
  versions_added: number;
  skipped: string[];
  errors: string[];
  duration_ms: number;
}

export interface SeverityCounts {
  high: number;
  medium: number;
  low: number;
  info: number;
}

/** One tenant on the portfolio screen. */
export interface PortfolioRow {
  id: string;
  name: string;
  domain: string;
  /** `active`, `onboarding` or `archived`. */
  state: string;
  /** When the last sync that captured a snapshot started; null before the first. */
  last_good_sync: string | null;
  /** How the newest finished sync ended: `succeeded`, `partial` or `failed`. */
  last_sync_status: string | null;
  last_sync_attempt: string | null;
  /** Since when the tenant's syncs have failed (null unless the newest failed). */
  failing_since: string | null;
  baselines: string[];
  /** The newest drift run's score, 0–100; null before the first drift check. */
  score: number | null;
  /** `good`, `needs_attention`, `at_risk`, `failing`, `not_checked`. */
  rating: string | null;
  scored_at: string | null;
  /** The last (up to 10) scores, oldest first. */
  score_trend: number[];
  findings: SeverityCounts;
  risk_accepted: number;
  missing_permissions: string[];
  sign_in_lapses_at: string | null;
  /** `current`, `lapsing`, `expired`, `revoked` or `none`. */
  sign_in_status: string;
  needs_reconnect: boolean;
}

function unavailable(command: string): Promise<never> {
  const error: CommandError = {
    code: 'internal',
    message: `this build has no ${command} command yet; update TenantAtlas`,
  };
  return Promise.reject(error);
}

export function workspaceStatus(): Promise<WorkspaceStatus> {
  return unavailable('workspace_status');
}

export const openWorkspace: (args: OpenWorkspaceArgs) => Promise<OpenWorkspace> = () =>
  unavailable('open_workspace');

export const openDemo: (onProgress: (p: DemoProgress) => void) => Promise<OpenWorkspace> = () =>
  unavailable('open_demo');

export function portfolio(): Promise<PortfolioRow[]> {
  return unavailable('portfolio');
}

export const syncAll: (onProgress: (p: SyncProgress) => void) => Promise<SyncOutcome[]> = () =>
  unavailable('sync_all');

export function cancelSync(): Promise<void> {
  return unavailable('cancel_sync');
}
