// TEMPORARY: the IPC contract of issue 11's first screens, written before src-tauri's generated
// bindings and the typed wrappers in ./ipc/commands.ts landed. The screens import from here so
// that one import path changes when the real ones arrive; then this file goes.
//
// Nothing here calls `invoke` (only ./ipc/commands.ts may): every function fails with the
// IpcError a build without these commands would give, and the tests mock this module.

export interface IpcError {
  code: string;
  message: string;
}

/** Where the workspace is and how its key is kept. */
export interface WorkspaceStatus {
  /** The default workspace folder. */
  path: string;
  /** Whether a workspace exists at `path`. */
  exists: boolean;
  /** Where the key comes from: the OS keychain, a passphrase, or nowhere yet. */
  keySource: 'keychain' | 'passphrase' | 'none';
  keychainAvailable: boolean;
  /** The window must ask for a passphrase to open or create the workspace. */
  passphraseNeeded: boolean;
}

export interface OpenWorkspace {
  path?: string;
  passphrase?: string;
}

export type DemoStep = 'cloud' | 'connect' | 'sync' | 'baseline' | 'drift' | 'done';

export interface DemoProgress {
  step: DemoStep;
  /** Tenants done in this step, of `total` (0/0 for steps that do not count tenants). */
  done: number;
  total: number;
}

export type Rating = 'good' | 'needs_attention' | 'at_risk' | 'failing' | 'not_checked';
export type SyncStatus = 'succeeded' | 'partial' | 'failed';

export interface FindingCounts {
  high: number;
  medium: number;
  low: number;
  info: number;
}

export interface PortfolioRow {
  id: string;
  name: string;
  domain: string;
  state: string;
  /** RFC 3339 time of the newest sync that succeeded, or null if none has. */
  lastGoodSync: string | null;
  /** Status of the newest sync, whatever it was. */
  lastSyncStatus: SyncStatus | null;
  baseline: string | null;
  score: number | null;
  rating: Rating;
  /** The last ≤10 scores, oldest first. */
  trend: number[];
  findings: FindingCounts;
  riskAccepted: number;
  missingPermissions: string[];
  /** The date the tenant's sign-in lapses, if known. */
  signInLapses: string | null;
  needsReconnect: boolean;
}

export type TenantSyncState = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';

export interface SyncProgress {
  tenantId: string;
  tenant: string;
  state: TenantSyncState;
  /** Objects read so far (for `running`), if known. */
  objects: number | null;
  /** What failed, for `failed` or `partial`. */
  message: string | null;
}

export interface SyncSummary {
  succeeded: number;
  partial: number;
  failed: number;
  cancelled: number;
}

function unavailable(command: string): Promise<never> {
  const error: IpcError = {
    code: 'unavailable',
    message: `this build has no ${command} command yet; update TenantAtlas`,
  };
  return Promise.reject(error);
}

export function workspaceStatus(): Promise<WorkspaceStatus> {
  return unavailable('workspace_status');
}

export const openWorkspace: (args: OpenWorkspace) => Promise<void> = () => unavailable('open_workspace');

export const openDemo: (onProgress: (p: DemoProgress) => void) => Promise<void> = () => unavailable('open_demo');

export function portfolio(): Promise<PortfolioRow[]> {
  return unavailable('portfolio');
}

export const syncAll: (onProgress: (p: SyncProgress) => void) => Promise<SyncSummary> = () =>
  unavailable('sync_all');

export function cancelSync(): Promise<void> {
  return unavailable('cancel_sync');
}
