// The one place that calls `invoke`: each Tauri command gets a typed function here, with its
// types from ./bindings (generated from Rust by src-tauri, never edited by hand).
//
// Every function rejects with an `IpcError` (a closed `code` to branch on, a `message` for people)
// and never with anything else, so a screen can always say what went wrong and what to do next.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';
import type { CommandError } from './bindings/CommandError';
import type { DayFindings } from './bindings/DayFindings';
import type { DemoProgress } from './bindings/DemoProgress';
import type { ErrorCode } from './bindings/ErrorCode';
import type { OpenWorkspace } from './bindings/OpenWorkspace';
import type { PortfolioRow } from './bindings/PortfolioRow';
import type { Protection } from './bindings/Protection';
import type { SeverityCounts } from './bindings/SeverityCounts';
import type { SyncOutcome } from './bindings/SyncOutcome';
import type { SyncProgress } from './bindings/SyncProgress';
import type { WorkspaceStatus } from './bindings/WorkspaceStatus';
import type { FindingAuditEntry } from './bindings/FindingAuditEntry';
import type { FindingRow } from './bindings/FindingRow';
import type { SettingChange } from './bindings/SettingChange';
import type { TriageOutcome } from './bindings/TriageOutcome';
import type { TriageRefusal } from './bindings/TriageRefusal';
import type { TriageRequest } from './bindings/TriageRequest';
import type { AssignmentLine } from './bindings/AssignmentLine';
import type { ChangeArea } from './bindings/ChangeArea';
import type { ChangeLine } from './bindings/ChangeLine';
import type { InventoryRow } from './bindings/InventoryRow';
import type { ObjectDetail } from './bindings/ObjectDetail';
import type { Platform } from './bindings/Platform';
import type { SettingLine } from './bindings/SettingLine';
import type { VersionChanges } from './bindings/VersionChanges';
import type { VersionEntry } from './bindings/VersionEntry';
import type { ConnectRequest } from './bindings/ConnectRequest';
import type { ConnectedTenant } from './bindings/ConnectedTenant';
import type { PermissionCost } from './bindings/PermissionCost';
import type { SignInStep } from './bindings/SignInStep';
import type { KindCount } from './bindings/KindCount';
import type { RunDetail } from './bindings/RunDetail';
import type { RunErrorLine } from './bindings/RunErrorLine';
import type { RunFact } from './bindings/RunFact';
import type { RunRow } from './bindings/RunRow';
import type { SavedFile } from './bindings/SavedFile';
import type { NewSeverityRuleRequest } from './bindings/NewSeverityRuleRequest';
import type { ScheduleStatus } from './bindings/ScheduleStatus';
import type { SettingsView } from './bindings/SettingsView';
import type { SeverityRuleRow } from './bindings/SeverityRuleRow';
import type { TenantDefaults } from './bindings/TenantDefaults';
import type { AssignOutcome } from './bindings/AssignOutcome';
import type { AssignRefusal } from './bindings/AssignRefusal';
import type { BaselineObjectRow } from './bindings/BaselineObjectRow';
import type { BaselineSummary } from './bindings/BaselineSummary';
import type { BaselineTenantRow } from './bindings/BaselineTenantRow';
import type { BaselineVersionRow } from './bindings/BaselineVersionRow';
import type { BaselineView } from './bindings/BaselineView';
import type { DriftChecked } from './bindings/DriftChecked';
import type { NewBaselineRequest } from './bindings/NewBaselineRequest';
import type { PlaceholderValue } from './bindings/PlaceholderValue';
import type { TenantAssignment } from './bindings/TenantAssignment';
import type { CompareChange } from './bindings/CompareChange';
import type { CompareResult } from './bindings/CompareResult';
import type { CompareRow } from './bindings/CompareRow';
import type { CompareStatus } from './bindings/CompareStatus';
import type { SidePick } from './bindings/SidePick';
import type { SideTitle } from './bindings/SideTitle';
import type { SnapshotChoice } from './bindings/SnapshotChoice';
import type { PackCheck } from './bindings/PackCheck';
import type { PackFile } from './bindings/PackFile';
import type { PackFileState } from './bindings/PackFileState';
import type { PackMade } from './bindings/PackMade';
import type { PackRow } from './bindings/PackRow';
import type { PortfolioMade } from './bindings/PortfolioMade';
import type { ReviewPackRequest } from './bindings/ReviewPackRequest';
import type { SnapshotExportRequest } from './bindings/SnapshotExportRequest';
import type { SnapshotExported } from './bindings/SnapshotExported';
import type { SnapshotImported } from './bindings/SnapshotImported';
import type { ReportBrandingView } from './bindings/ReportBrandingView';

export type {
  DayFindings,
  AssignOutcome,
  AssignRefusal,
  BaselineObjectRow,
  BaselineSummary,
  BaselineTenantRow,
  BaselineVersionRow,
  BaselineView,
  DriftChecked,
  NewBaselineRequest,
  PlaceholderValue,
  TenantAssignment,
};
export type {
  PackCheck,
  PackFile,
  PackFileState,
  PackMade,
  PackRow,
  PortfolioMade,
  ReportBrandingView,
  ReviewPackRequest,
  SnapshotExportRequest,
  SnapshotExported,
  SnapshotImported,
};
export type { CompareChange, CompareResult, CompareRow, CompareStatus, SidePick, SideTitle, SnapshotChoice };
import type { SearchAnswer } from './bindings/SearchAnswer';
import type { SearchGroup } from './bindings/SearchGroup';
import type { SearchHit } from './bindings/SearchHit';
import type { SearchRank } from './bindings/SearchRank';

export type { SearchAnswer, SearchGroup, SearchHit, SearchRank };

export type {
  KindCount,
  RunDetail,
  RunErrorLine,
  RunFact,
  RunRow,
  SavedFile,
  ConnectRequest,
  ConnectedTenant,
  PermissionCost,
  SignInStep,
  AppInfo,
  CommandError,
  DemoProgress,
  ErrorCode,
  OpenWorkspace,
  PortfolioRow,
  Protection,
  SeverityCounts,
  SyncOutcome,
  SyncProgress,
  WorkspaceStatus,
};
export type { NewSeverityRuleRequest, ScheduleStatus, SettingsView, SeverityRuleRow, TenantDefaults };
export type { FindingAuditEntry, FindingRow, SettingChange, TriageOutcome, TriageRefusal, TriageRequest };
export type {
  AssignmentLine,
  ChangeArea,
  ChangeLine,
  InventoryRow,
  ObjectDetail,
  Platform,
  SettingLine,
  VersionChanges,
  VersionEntry,
};

const CODES: readonly ErrorCode[] = [
  'not_found',
  'invalid_input',
  'auth',
  'graph',
  'workspace',
  'cancelled',
  'no_workspace',
  'busy',
  'internal',
];

/** A command's failure as the UI sees it: `code` to branch on, `message` to show. */
export class IpcError extends Error implements CommandError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
  }

  /** Whatever `invoke` rejected with, as an `IpcError`: our commands reject with
   * `{code, message}`; Tauri itself rejects with a string (e.g. a command not allowed). */
  static from(reason: unknown): IpcError {
    if (reason instanceof IpcError) return reason;
    if (typeof reason === 'object' && reason !== null) {
      const { code, message } = reason as { code?: unknown; message?: unknown };
      if (typeof message === 'string' && CODES.includes(code as ErrorCode)) {
        return new IpcError(code as ErrorCode, message);
      }
      if (reason instanceof Error) return new IpcError('internal', reason.message);
    }
    if (typeof reason === 'string' && reason.length > 0) return new IpcError('internal', reason);
    return new IpcError('internal', 'the app did not answer; restart TenantAtlas');
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw IpcError.from(reason);
  }
}

function channel<T>(onMessage: (message: T) => void): Channel<T> {
  const ch = new Channel<T>();
  ch.onmessage = onMessage;
  return ch;
}

/** The product name and version of the running build (Rust: `commands::app_info`). */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** Where the default workspace is, how it is protected, whether the keychain answers, and the
 * workspace open in this window (Rust: `commands::workspace_status`). */
export function workspaceStatus(): Promise<WorkspaceStatus> {
  return call<WorkspaceStatus>('workspace_status');
}

export interface OpenWorkspaceArgs {
  /** A workspace folder; the default workspace when left out. */
  path?: string;
  /** Needed for a workspace protected by a passphrase (and to create one without a keychain). */
  passphrase?: string;
}

/** Opens (or creates) a workspace in this window, closing the one open before
 * (Rust: `commands::open_workspace`). */
export function openWorkspace(args: OpenWorkspaceArgs = {}): Promise<OpenWorkspace> {
  return call<OpenWorkspace>('open_workspace', {
    path: args.path ?? null,
    passphrase: args.passphrase ?? null,
  });
}

/** Runs the demo scenario into a new temporary folder and opens its workspace; `onProgress`
 * hears each step (Rust: `commands::open_demo`). */
export function openDemo(onProgress: (progress: DemoProgress) => void): Promise<OpenWorkspace> {
  return call<OpenWorkspace>('open_demo', { progress: channel(onProgress) });
}

/** Every tenant of the open workspace at a glance (Rust: `commands::portfolio`). */
export function portfolio(): Promise<PortfolioRow[]> {
  return call<PortfolioRow[]>('portfolio');
}

/** Syncs every active tenant; `onProgress` hears each tenant's steps. Resolves with how each
 * tenant's sync ended, also after `cancelSync` (Rust: `commands::sync_all`). */
export function syncAll(onProgress: (progress: SyncProgress) => void): Promise<SyncOutcome[]> {
  return call<SyncOutcome[]>('sync_all', { progress: channel(onProgress) });
}

/** Asks the running `syncAll` to stop; resolves at once (Rust: `commands::cancel_sync`). */
export function cancelSync(): Promise<void> {
  return call<void>('cancel_sync');
}

/** Every finding of every tenant, whatever its state (Rust: `commands::list_findings`). */
export function listFindings(): Promise<FindingRow[]> {
  return call<FindingRow[]>('list_findings');
}

/** The audit trail of one finding, oldest first (Rust: `commands::finding_audit`). */
export function findingAudit(id: string): Promise<FindingAuditEntry[]> {
  return call<FindingAuditEntry[]>('finding_audit', { id });
}

/** Acknowledges, accepts the risk of or resolves the findings `ids`; resolves with the findings
 * changed and those refused, with why (Rust: `commands::triage_findings`). */
export function triageFindings(ids: string[], triage: TriageRequest): Promise<TriageOutcome> {
  return call<TriageOutcome>('triage_findings', { ids, triage });
}

/** One tenant's overview: its portfolio row, by id or domain (Rust: `commands::tenant_overview`). */
export function tenantOverview(tenant: string): Promise<PortfolioRow> {
  return call<PortfolioRow>('tenant_overview', { tenant });
}

/** The break-glass accounts named for one tenant, in order (Rust: `commands::break_glass_accounts`). */
export function breakGlassAccounts(tenant: string): Promise<string[]> {
  return call<string[]>('break_glass_accounts', { tenant });
}

/** Names one tenant's break-glass accounts (user principal names, in order; none clears them);
 * resolves with them as stored (Rust: `commands::set_break_glass_accounts`). */
export function setBreakGlassAccounts(tenant: string, accounts: string[]): Promise<string[]> {
  return call<string[]>('set_break_glass_accounts', { tenant, accounts });
}

/** Every object of one tenant, live and deleted, with platforms and assignment counts
 * (Rust: `commands::tenant_inventory`). */
export function tenantInventory(tenant: string): Promise<InventoryRow[]> {
  return call<InventoryRow[]>('tenant_inventory', { tenant });
}

/** One object at `version` (the latest when left out): in words, as stored, and its versions
 * (Rust: `commands::object_detail`). */
export function objectDetail(tenant: string, objectId: string, version?: number): Promise<ObjectDetail> {
  return call<ObjectDetail>('object_detail', { tenant, objectId, version: version ?? null });
}

/** Versions `from` and `to` of one object compared in words (Rust: `commands::object_diff`). */
export function objectDiff(tenant: string, objectId: string, from: number, to: number): Promise<VersionChanges> {
  return call<VersionChanges>('object_diff', { tenant, objectId, from, to });
}

/** Signs in to a tenant (device code or browser) and records it; `onPrompt` hears what the person
 * must do. Rejects with `cancelled` after `cancelSignIn` (Rust: `commands::connect_tenant`). */
export function connectTenant(
  request: ConnectRequest,
  onPrompt: (step: SignInStep) => void,
): Promise<ConnectedTenant> {
  return call<ConnectedTenant>('connect_tenant', { request, prompt: channel(onPrompt) });
}

/** Signs in to a tenant of the workspace again with its stored settings
 * (Rust: `commands::reconnect_tenant`). */
export function reconnectTenant(tenant: string, onPrompt: (step: SignInStep) => void): Promise<ConnectedTenant> {
  return call<ConnectedTenant>('reconnect_tenant', { tenant, prompt: channel(onPrompt) });
}

/** Stops the waiting sign-in (Rust: `commands::cancel_sign_in`). */
export function cancelSignIn(): Promise<void> {
  return call<void>('cancel_sign_in');
}

/** Opens the waiting sign-in's page in the system browser (Rust: `commands::open_sign_in_page`). */
export function openSignInPage(): Promise<void> {
  return call<void>('open_sign_in_page');
}

/** Syncs one tenant, then checks its drift; `onProgress` hears its steps; `cancelSync` stops it
 * (Rust: `commands::sync_tenant`). */
export function syncTenant(tenant: string, onProgress: (progress: SyncProgress) => void): Promise<SyncOutcome> {
  return call<SyncOutcome>('sync_tenant', { tenant, progress: channel(onProgress) });
}

/** Searches every active tenant's latest snapshot for tenants, objects, settings (by name, id or
 * value) and findings; the answer repeats its query (Rust: `commands::search`). */
export function search(query: string): Promise<SearchAnswer> {
  return call<SearchAnswer>('search', { query });
}

/** Every run, newest first, of every kind and tenant (Rust: `commands::list_runs`). */
export function listRuns(): Promise<RunRow[]> {
  return call<RunRow[]>('list_runs');
}

/** One run in full (Rust: `commands::run_detail`). */
export function runDetail(id: string): Promise<RunDetail> {
  return call<RunDetail>('run_detail', { id });
}

/** Saves CSV text as a new file in the user's Downloads folder; resolves with its path
 * (Rust: `commands::save_csv`). */
export function saveCsv(fileName: string, content: string): Promise<SavedFile> {
  return call<SavedFile>('save_csv', { fileName, content });
}

/** The Settings screen: the workspace's settings, the facts shown beside them and the severity
 * rules (Rust: `commands::get_settings`). */
export function getSettings(): Promise<SettingsView> {
  return call<SettingsView>('get_settings');
}

/** Sets one setting from its text (`sync.interval_minutes`, `"60"`); rejects with `invalid_input`
 * and one line saying what is allowed (Rust: `commands::set_setting`). */
export function setSetting(setting: string, value: string): Promise<SettingsView> {
  return call<SettingsView>('set_setting', { setting, value });
}

/** Adds a severity rule, checked by the engine as `tenantatlas severity set`
 * (Rust: `commands::add_severity_rule`). */
export function addSeverityRule(rule: NewSeverityRuleRequest): Promise<SettingsView> {
  return call<SettingsView>('add_severity_rule', { rule });
}

/** Removes a severity rule (Rust: `commands::remove_severity_rule`). */
export function removeSeverityRule(id: number): Promise<SettingsView> {
  return call<SettingsView>('remove_severity_rule', { id });
}

/** Where the sync schedule stands and how this window's last scheduled sync ended
 * (Rust: `commands::schedule_status`). */
export function scheduleStatus(): Promise<ScheduleStatus> {
  return call<ScheduleStatus>('schedule_status');
}

/** Every baseline at its latest version with its tenants' average score
 * (Rust: `commands::list_baselines`). */
export function listBaselines(): Promise<BaselineSummary[]> {
  return call<BaselineSummary[]>('list_baselines');
}

/** One baseline in full: objects, versions, each assigned tenant's score and counts
 * (Rust: `commands::baseline_detail`). */
export function baselineDetail(name: string): Promise<BaselineView> {
  return call<BaselineView>('baseline_detail', { name });
}

/** A new baseline (or version) from a tenant's picked objects or a file
 * (Rust: `commands::create_baseline`). */
export function createBaseline(request: NewBaselineRequest): Promise<BaselineSummary> {
  return call<BaselineSummary>('create_baseline', { request });
}

/** Signs off a tenant's latest snapshot as its own baseline (Rust: `commands::approve_snapshot`). */
export function approveSnapshot(tenant: string): Promise<BaselineSummary> {
  return call<BaselineSummary>('approve_snapshot', { tenant });
}

/** Assigns a baseline to tenants; resolves with who was assigned and who refused and why
 * (Rust: `commands::assign_baseline`). */
export function assignBaseline(name: string, tenants: TenantAssignment[]): Promise<AssignOutcome> {
  return call<AssignOutcome>('assign_baseline', { name, tenants });
}

/** Stops checking a tenant against a baseline (Rust: `commands::unassign_baseline`). */
export function unassignBaseline(name: string, tenant: string): Promise<BaselineSummary> {
  return call<BaselineSummary>('unassign_baseline', { name, tenant });
}

/** Checks these tenants' drift now (Rust: `commands::check_drift`). */
export function checkDrift(tenants: string[]): Promise<DriftChecked[]> {
  return call<DriftChecked[]>('check_drift', { tenants });
}

/** A tenant's snapshots, newest first (Rust: `commands::list_snapshots`). */
export function listSnapshots(tenant: string): Promise<SnapshotChoice[]> {
  return call<SnapshotChoice[]>('list_snapshots', { tenant });
}

/** Two sides compared by meaning (Rust: `commands::compare_sides`). */
export function compareSides(left: SidePick, right: SidePick): Promise<CompareResult> {
  return call<CompareResult>('compare_sides', { left, right });
}

/** Standing findings by severity across the portfolio, one entry per day for the last `days`,
 * oldest first (Rust: `commands::findings_over_time`). */
export function findingsOverTime(days: number): Promise<DayFindings[]> {
  return call<DayFindings[]>('findings_over_time', { days });
}

/** Matches the baseline's `object` (its name as the baseline lists it) of `kind` to the tenant's
 * object `to` (an id), or removes the pin when `to` is null; resolves with the baseline in full
 * (Rust: `commands::pin_baseline_object`). */
export function pinBaselineObject(
  baseline: string,
  tenant: string,
  kind: string,
  object: string,
  to: string | null,
): Promise<BaselineView> {
  return call<BaselineView>('pin_baseline_object', { baseline, tenant, kind, object, to });
}

/** Every generated review pack and portfolio report, newest first, with whether its PDF is still
 * as made (Rust: `commands::list_packs`). */
export function listPacks(): Promise<PackRow[]> {
  return call<PackRow[]>('list_packs');
}

/** Makes a review pack into Downloads/TenantAtlas; `onProgress` hears its `report_step` events
 * (Rust: `commands::make_review_pack`). */
export function makeReviewPack(request: ReviewPackRequest, onProgress: (progress: SyncProgress) => void): Promise<PackMade> {
  return call<PackMade>('make_review_pack', { request, progress: channel(onProgress) });
}

/** Makes the portfolio report (PDF and CSV) into Downloads/TenantAtlas
 * (Rust: `commands::make_portfolio_report`). */
export function makePortfolioReport(onProgress: (progress: SyncProgress) => void): Promise<PortfolioMade> {
  return call<PortfolioMade>('make_portfolio_report', { progress: channel(onProgress) });
}

/** Checks a remembered pack's evidence bundle (Rust: `commands::verify_pack`). */
export function verifyPack(id: number): Promise<PackCheck> {
  return call<PackCheck>('verify_pack', { id });
}

/** Opens a remembered pack's PDF or bundle in the system's application; the path is the
 * workspace's, never the window's (Rust: `commands::open_pack`). */
export function openPack(id: number, file: PackFile = 'pdf'): Promise<void> {
  return call<void>('open_pack', { id, file });
}

/** Shows a remembered pack's file in the system's file manager (Rust: `commands::reveal_pack`). */
export function revealPack(id: number, file: PackFile = 'pdf'): Promise<void> {
  return call<void>('reveal_pack', { id, file });
}

/** The workspace's exchange address (`age1…`), public (Rust: `commands::exchange_key`). */
export function exchangeKey(): Promise<string> {
  return call<string>('exchange_key');
}

/** Writes a tenant's snapshot encrypted to a colleague's address into Downloads/TenantAtlas
 * (Rust: `commands::export_snapshot`). */
export function exportSnapshot(request: SnapshotExportRequest): Promise<SnapshotExported> {
  return call<SnapshotExported>('export_snapshot', { request });
}

/** Asks for a bundle in the native file chooser and imports it; `null` when the chooser was
 * closed (Rust: `commands::import_snapshot`). */
export function importSnapshot(): Promise<SnapshotImported | null> {
  return call<SnapshotImported | null>('import_snapshot');
}

/** Asks for the review packs' logo (PNG) in the native file chooser and sets it; `null` when the
 * chooser was closed (Rust: `commands::choose_report_logo`). */
export function chooseReportLogo(): Promise<SettingsView | null> {
  return call<SettingsView | null>('choose_report_logo');
}
