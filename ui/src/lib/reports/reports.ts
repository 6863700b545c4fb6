// The Reports screen's logic: periods as the engine names them, the history's filter and CSV,
// words for sizes, hashes and file states, and the steps of a pack being made.
import type { PackFileState, PackRow, SyncProgress } from '../ipc/commands';
import { toCsv } from '../csv';

export type PeriodChoice = 'this_quarter' | 'last_quarter' | 'last_90' | 'month' | 'custom';

export interface PeriodForm {
  choice: PeriodChoice;
  /** `YYYY-MM`, for `month`. */
  month: string;
  /** `YYYY-MM-DD`, for `custom`. */
  from: string;
  to: string;
}

export const PERIOD_CHOICES: readonly { id: PeriodChoice; label: string }[] = [
  { id: 'this_quarter', label: 'This quarter' },
  { id: 'last_quarter', label: 'Last quarter' },
  { id: 'last_90', label: '90 days' },
  { id: 'month', label: 'Month' },
  { id: 'custom', label: 'Custom' },
];

function quarterOf(day: Date): { year: number; quarter: number } {
  return { year: day.getUTCFullYear(), quarter: Math.floor(day.getUTCMonth() / 3) + 1 };
}

/** `2026-11` for the month before `today`: what "A month" starts at. */
export function lastMonth(today: Date): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The engine's period for the form (`2026-Q4`, `2026-11`, `2026-10-01..2026-12-31`, `90d`), or
 * the reason it cannot be made yet. */
export function periodText(form: PeriodForm, today: Date): { period: string } | { error: string } {
  switch (form.choice) {
    case 'this_quarter': {
      const { year, quarter } = quarterOf(today);
      return { period: `${year}-Q${quarter}` };
    }
    case 'last_quarter': {
      const { year, quarter } = quarterOf(today);
      return { period: quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}` };
    }
    case 'last_90':
      return { period: '90d' };
    case 'month':
      if (!/^\d{4}-\d{2}$/.test(form.month)) return { error: 'Pick a month' };
      if (form.month > today.toISOString().slice(0, 7)) return { error: 'Pick a month that has begun' };
      return { period: form.month };
    case 'custom': {
      const date = /^\d{4}-\d{2}-\d{2}$/;
      if (!date.test(form.from) || !date.test(form.to)) return { error: 'Pick the first and the last day' };
      if (form.to < form.from) return { error: 'The last day is before the first' };
      if (form.from > today.toISOString().slice(0, 10)) return { error: 'The first day is in the future' };
      return { period: `${form.from}..${form.to}` };
    }
  }
}

/** "1.2 MB", "840 KB", "312 bytes". */
export function sizeText(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The first 12 hex digits of a SHA-256, enough to tell packs apart at a glance. */
/** "1 open finding", "3 open findings". */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

export const STATE_LABEL: Record<PackFileState, string> = {
  intact: 'Intact',
  changed: 'Changed',
  missing: 'Missing',
};

export const STATE_HINT: Record<PackFileState, string> = {
  intact: 'The PDF is where it was written, byte for byte',
  changed: 'The PDF is where it was written but its content differs',
  missing: 'The PDF is no longer where it was written',
};

/** "Contoso Ltd", or "Portfolio" for a portfolio report, or the id of a removed tenant. */
export function packTenant(row: PackRow): string {
  if (row.kind === 'portfolio') return 'Portfolio report';
  if (row.tenant_name !== '') return row.tenant_name;
  return row.tenant_id === null ? '—' : `${row.tenant_id} (removed)`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A period in few words from two `YYYY-MM-DD` days: "Q4 2026", "Nov 2026", "7 Sep – 5 Dec 2026". */
export function periodWords(from: string, to: string): string {
  const day = (s: string) => new Date(`${s}T00:00:00Z`);
  const a = day(from);
  const b = day(to);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return `${from} – ${to}`;
  const lastOfMonth = new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 1, 0)).getUTCDate();
  const wholeMonths = a.getUTCDate() === 1 && b.getUTCDate() === lastOfMonth && a.getUTCFullYear() === b.getUTCFullYear();
  const months = b.getUTCMonth() - a.getUTCMonth() + 1;
  if (wholeMonths && months === 1) return `${MONTHS[a.getUTCMonth()]} ${a.getUTCFullYear()}`;
  if (wholeMonths && months === 3 && a.getUTCMonth() % 3 === 0) return `Q${a.getUTCMonth() / 3 + 1} ${a.getUTCFullYear()}`;
  const short = (d: Date, year: boolean) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${year ? ` ${d.getUTCFullYear()}` : ''}`;
  return `${short(a, a.getUTCFullYear() !== b.getUTCFullYear())} – ${short(b, true)}`;
}

/** The history filtered to one tenant (`''`: all; `portfolio`: the portfolio reports). */
export function filterPacks(rows: readonly PackRow[], tenant: string): PackRow[] {
  if (tenant === '') return [...rows];
  if (tenant === 'portfolio') return rows.filter((r) => r.kind === 'portfolio');
  return rows.filter((r) => r.tenant_id === tenant);
}

/** The tenants the history holds packs of, by name, for its filter. */
export function packTenants(rows: readonly PackRow[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) if (r.tenant_id !== null && !seen.has(r.tenant_id)) seen.set(r.tenant_id, packTenant(r));
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

export function packsCsv(rows: readonly PackRow[]): string {
  return toCsv<PackRow>(
    [
      ['tenant', (r) => packTenant(r)],
      ['domain', (r) => r.tenant_domain],
      ['kind', (r) => r.kind],
      ['period_from', (r) => r.period_from],
      ['period_to', (r) => r.period_to],
      ['generated_at', (r) => r.generated_at],
      ['pages', (r) => r.pages],
      ['score', (r) => r.score],
      ['open_findings', (r) => r.open_findings],
      ['pdf_sha256', (r) => r.pdf_sha256],
      ['sums_sha256', (r) => r.sums_sha256],
      ['previous_sums_sha256', (r) => r.previous_sums_sha256],
      ['pii_pseudonymised', (r) => (r.redacted_pii ? 'yes' : 'no')],
      ['file_state', (r) => r.state],
      ['pdf', (r) => r.pdf_path],
      ['evidence_bundle', (r) => r.bundle_path],
    ],
    rows,
  );
}

export type StepState = 'done' | 'running' | 'waiting' | 'skipped';

export interface PackStep {
  label: string;
  state: StepState;
}

const PACK_STEPS = ['Reading the workspace', 'Typesetting the PDF', 'Signing the evidence', 'Writing the files'];
const PORTFOLIO_STEPS = ['Reading the portfolio', 'Typesetting the PDF', 'Writing the files'];

/** The steps of a review pack (or, with `portfolio`, the portfolio report) once `current` has
 * been reported (0: none yet); with `done` every step has ended. Without an evidence bundle the
 * signing step is skipped. */
export function packSteps(current: number, opts: { evidence: boolean; done?: boolean; portfolio?: boolean }): PackStep[] {
  const labels = opts.portfolio ? PORTFOLIO_STEPS : PACK_STEPS;
  return labels.map((label, i) => {
    const n = i + 1;
    if (!opts.portfolio && n === 3 && !opts.evidence) return { label, state: 'skipped' };
    if (opts.done || n < current) return { label, state: 'done' };
    if (n === current) return { label, state: 'running' };
    return { label, state: 'waiting' };
  });
}

/** The step number a progress event reports, or null for any other event. */
export function stepOf(event: SyncProgress): number | null {
  return event.event === 'report_step' ? event.step : null;
}

/** Whether `text` looks like an exchange address (`age1` and 58 more letters and digits). */
export function looksLikeAddress(text: string): boolean {
  return /^age1[02-9ac-hj-np-z]{58}$/i.test(text.trim());
}
