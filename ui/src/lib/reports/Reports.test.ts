import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Reports from './Reports.svelte';
import type { PackMade, PackRow, PortfolioRow, SyncProgress } from '../ipc/commands';
import { counted, filterPacks, looksLikeAddress, packSteps, packsCsv, periodText, periodWords, sizeText } from './reports';

vi.mock('../ipc/commands', () => ({
  listPacks: vi.fn(),
  portfolio: vi.fn(),
  exchangeKey: vi.fn(),
  makeReviewPack: vi.fn(),
  makePortfolioReport: vi.fn(),
  verifyPack: vi.fn(),
  openPack: vi.fn(),
  revealPack: vi.fn(),
  exportSnapshot: vi.fn(),
  importSnapshot: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const NOW = new Date('2026-12-05T12:00:00Z');
const SHA = 'a'.repeat(64);
const ADDRESS = 'age1' + 'q'.repeat(58);

function tenant(id: string, name: string): PortfolioRow {
  return {
    id,
    name,
    domain: `${id}.onmicrosoft.com`,
    state: 'active',
    last_good_sync: null,
    last_sync_status: null,
    last_sync_attempt: null,
    failing_since: null,
    baselines: [],
    score: null,
    rating: null,
    scored_at: null,
    score_trend: [],
    findings: { high: 0, medium: 0, low: 0, info: 0 },
    risk_accepted: 0,
    missing_permissions: [],
    sign_in_lapses_at: null,
    sign_in_status: 'current',
    needs_reconnect: false,
  };
}

function pack(over: Partial<PackRow> & Pick<PackRow, 'id'>): PackRow {
  return {
    kind: 'review-pack',
    tenant_id: 't1',
    tenant_name: 'Contoso Ltd',
    tenant_domain: 't1.onmicrosoft.com',
    generated_at: '2026-12-05T11:00:00.000Z',
    period_from: '2026-10-01',
    period_to: '2026-12-31',
    pdf_path: '/home/alex/Downloads/TenantAtlas/Review pack - Contoso Ltd - 2026-Q4.pdf',
    pdf_name: 'Review pack - Contoso Ltd - 2026-Q4.pdf',
    pdf_sha256: SHA,
    pages: 23,
    bundle_path: '/home/alex/Downloads/TenantAtlas/Review pack - Contoso Ltd - 2026-Q4.zip',
    sums_sha256: 'b'.repeat(64),
    previous_sums_sha256: null,
    redacted_pii: false,
    score: 82.5,
    open_findings: 3,
    state: 'intact',
    ...over,
  };
}

const PACKS: PackRow[] = [
  pack({ id: 2, tenant_id: 't2', tenant_name: 'Fabrikam Inc', redacted_pii: true, state: 'changed' }),
  pack({ id: 1, state: 'missing' }),
];

const MADE: PackMade = {
  id: 3,
  tenant_name: 'Contoso Ltd',
  tenant_domain: 't1.onmicrosoft.com',
  period: '2026-Q4',
  period_from: '2026-10-01',
  period_to: '2026-12-31',
  generated_at: '2026-12-05T12:00:00.000Z',
  pdf_path: '/home/alex/Downloads/TenantAtlas/Review pack - Contoso Ltd - 2026-Q4 (2).pdf',
  pdf_name: 'Review pack - Contoso Ltd - 2026-Q4 (2).pdf',
  pdf_bytes: 114_000,
  pdf_sha256: SHA,
  pages: 23,
  bundle_path: '/home/alex/Downloads/TenantAtlas/Review pack - Contoso Ltd - 2026-Q4 (2).zip',
  bundle_name: 'Review pack - Contoso Ltd - 2026-Q4 (2).zip',
  bundle_bytes: 146_000,
  sums_sha256: 'c'.repeat(64),
  previous_sums_sha256: 'b'.repeat(64),
  score: 82.5,
  open_findings: 3,
  hidden_values: 2,
  people_pseudonymised: null,
  signer_fingerprint: 'SHA256:8a70-4eb8-0e0a-7269-cd9c-b8ac-e951-d158',
  run_id: 'run-9',
};

beforeEach(() => {
  vi.resetAllMocks();
  ipc.portfolio.mockResolvedValue([tenant('t1', 'Contoso Ltd'), tenant('t2', 'Fabrikam Inc')]);
  ipc.exchangeKey.mockResolvedValue(ADDRESS);
});
afterEach(() => cleanup());

const show = (props: Record<string, unknown> = {}) => render(Reports, { props: { now: () => NOW, ...props } });

describe('Reports', () => {
  it('shows a skeleton while loading, then the history with file states in words', async () => {
    let answer!: (packs: PackRow[]) => void;
    ipc.listPacks.mockReturnValue(new Promise((r) => (answer = r)));
    show();
    expect(screen.getByTestId('reports-loading').getAttribute('aria-busy')).toBe('true');
    answer(PACKS);
    const rows = await screen.findAllByTestId('pack-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('Fabrikam Inc')).toBeTruthy();
    expect(within(rows[0]).getByText('Pseudonymised')).toBeTruthy();
    expect(within(rows[0]).getByText('Changed')).toBeTruthy();
    expect(within(rows[0]).getByText('Q4 2026')).toBeTruthy();
    expect(within(rows[0]).getByText('aaaaaaaaaaaa')).toBeTruthy();
    expect(within(rows[1]).getByText('Missing')).toBeTruthy();
    // A missing PDF cannot be opened.
    expect((within(rows[1]).getByRole('button', { name: /^Open / }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('exchange-key').textContent).toBe(ADDRESS);
  });

  it('says when no pack was made yet', async () => {
    ipc.listPacks.mockResolvedValue([]);
    show();
    expect(await screen.findByText('No packs yet')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows a failure and retries', async () => {
    ipc.listPacks.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is locked by another run' });
    show();
    expect((await screen.findByRole('alert')).textContent).toContain('The workspace is locked by another run');
    ipc.listPacks.mockResolvedValue(PACKS);
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('pack-row')).toHaveLength(2);
  });

  it('leaves for the first-run screen when no workspace is open', async () => {
    ipc.listPacks.mockRejectedValue({ code: 'no_workspace', message: 'no workspace is open' });
    const onnoworkspace = vi.fn();
    show({ onnoworkspace });
    await waitFor(() => expect(onnoworkspace).toHaveBeenCalled());
  });

  it('generates a pack with its steps, then shows what it made and opens it by id', async () => {
    ipc.listPacks.mockResolvedValue([]);
    let finish!: (made: PackMade) => void;
    let progress!: (p: SyncProgress) => void;
    ipc.makeReviewPack.mockImplementation((_request, onProgress) => {
      progress = onProgress;
      return new Promise((r) => (finish = r));
    });
    show();
    await screen.findByText('No packs yet');
    await fireEvent.click(screen.getByLabelText('This quarter'));
    await fireEvent.click(screen.getByRole('button', { name: 'Generate review pack' }));
    expect(ipc.makeReviewPack.mock.calls[0][0]).toEqual({ tenant: 't1', period: '2026-Q4', evidence: true, redact_pii: false });
    progress({ event: 'report_step', tenant: 't1.onmicrosoft.com', step: 2, steps: 4, what: 'typesetting' });
    await waitFor(() => expect(screen.getByText('(running)').parentElement?.textContent).toContain('Typesetting the PDF'));
    expect(screen.getByText('Reading the workspace').parentElement?.textContent).toContain('(done)');
    expect((screen.getByRole('button', { name: 'Generating…' }) as HTMLButtonElement).disabled).toBe(true);

    ipc.listPacks.mockResolvedValue([pack({ id: 3 })]);
    finish(MADE);
    const result = await screen.findByTestId('pack-result');
    expect(result.textContent).toContain('Review pack - Contoso Ltd - 2026-Q4 (2).pdf');
    expect(result.textContent).toContain('23 pages · 114 KB');
    expect(result.textContent).toContain(SHA);
    expect(result.textContent).toContain('SHA256:8a70');
    expect(result.textContent).toContain('Follows pack bbbbbbbbbbbb');
    await fireEvent.click(within(result).getByRole('button', { name: 'Open PDF' }));
    await fireEvent.click(within(result).getByRole('button', { name: 'Show in folder' }));
    expect(ipc.openPack).toHaveBeenCalledWith(3, 'pdf');
    expect(ipc.revealPack).toHaveBeenCalledWith(3, 'pdf');
  });

  it('says why a pack could not be made', async () => {
    ipc.listPacks.mockResolvedValue([]);
    ipc.makeReviewPack.mockRejectedValue({ code: 'invalid_input', message: 'the logo (setting report.logo) cannot be read' });
    show();
    await screen.findByText('No packs yet');
    await fireEvent.click(screen.getByRole('button', { name: 'Generate review pack' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The logo (setting report.logo) cannot be read');
  });

  it('verifies a pack inline, problems and all', async () => {
    ipc.listPacks.mockResolvedValue(PACKS);
    ipc.verifyPack.mockResolvedValueOnce({ id: 2, ok: true, problems: [], facts: ['17 files match SHA256SUMS'], against_previous: true });
    ipc.verifyPack.mockResolvedValueOnce({ id: 1, ok: false, problems: ['report/review-pack.pdf does not match SHA256SUMS'], facts: [], against_previous: false });
    show();
    const rows = await screen.findAllByTestId('pack-row');
    await fireEvent.click(within(rows[0]).getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(screen.getAllByTestId('verify-result')).toHaveLength(1));
    expect(screen.getByTestId('verify-result').textContent).toContain('Verified');
    expect(screen.getByTestId('verify-result').textContent).toContain('17 files match SHA256SUMS');
    await fireEvent.click(within(rows[1]).getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(screen.getAllByTestId('verify-result')).toHaveLength(2));
    const bad = screen.getAllByTestId('verify-result')[1];
    expect(bad.textContent).toContain('Does not verify');
    expect(bad.textContent).toContain('does not match SHA256SUMS');
    expect(ipc.verifyPack).toHaveBeenCalledWith(2);
  });

  it('filters the history by tenant and exports what shows as CSV', async () => {
    ipc.listPacks.mockResolvedValue(PACKS);
    ipc.saveCsv.mockResolvedValue({ path: '/home/alex/Downloads/tenantatlas-packs-2026-12-05.csv' });
    show();
    await screen.findAllByTestId('pack-row');
    await fireEvent.change(screen.getByLabelText('Show packs of'), { target: { value: 't2' } });
    expect(screen.getAllByTestId('pack-row')).toHaveLength(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(ipc.saveCsv).toHaveBeenCalled());
    const csv = ipc.saveCsv.mock.calls[0][1];
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(csv).toContain('Fabrikam Inc');
    expect(await screen.findByText(/Saved 1 pack to/)).toBeTruthy();
  });

  it('exports a snapshot only to something that looks like a key', async () => {
    ipc.listPacks.mockResolvedValue([]);
    ipc.exportSnapshot.mockResolvedValue({
      path: '/home/alex/Downloads/TenantAtlas/Snapshot - Contoso Ltd - 2026-12-05.bundle',
      bytes: 280_000,
      tenant_name: 'Contoso Ltd',
      tenant_domain: 't1.onmicrosoft.com',
      recipient: ADDRESS,
      snapshots: 1,
      objects: 117,
      latest_snapshot_at: '2026-12-05T11:00:00.000Z',
    });
    show();
    await screen.findByText('No packs yet');
    const send = screen.getByRole('button', { name: 'Export bundle' }) as HTMLButtonElement;
    const input = screen.getByLabelText("Colleague's exchange key");
    await fireEvent.input(input, { target: { value: '/etc/passwd' } });
    expect(send.disabled).toBe(true);
    expect(screen.getByText(/A key is age1/)).toBeTruthy();
    await fireEvent.input(input, { target: { value: ` ${ADDRESS} ` } });
    await fireEvent.click(send);
    expect(ipc.exportSnapshot).toHaveBeenCalledWith({ tenant: 't1', to: ADDRESS, history: false });
    expect((await screen.findByTestId('export-path')).textContent).toContain('Snapshot - Contoso Ltd');
  });

  it('imports a bundle and links to its tenant; a closed chooser changes nothing', async () => {
    ipc.listPacks.mockResolvedValue([]);
    ipc.importSnapshot.mockResolvedValueOnce(null);
    ipc.importSnapshot.mockResolvedValueOnce({
      file_name: 'Snapshot - Tailspin Toys - 2026-12-05.bundle',
      tenant_id: 't9',
      tenant_name: 'Tailspin Toys',
      tenant_domain: 'tailspin.onmicrosoft.com',
      new_tenant: true,
      exported_by: 'sam',
      exported_at: '2026-12-05T10:00:00.000Z',
      snapshots_in_bundle: 3,
      snapshots_added: 3,
      already_here: 0,
      older: 0,
      versions_added: 320,
      latest_snapshot_at: '2026-12-05T09:00:00.000Z',
    });
    const opentenant = vi.fn();
    show({ opentenant });
    await screen.findByText('No packs yet');
    await fireEvent.click(screen.getByRole('button', { name: 'Choose a bundle…' }));
    await waitFor(() => expect(ipc.importSnapshot).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('import-result')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Choose a bundle…' }));
    const done = await screen.findByTestId('import-result');
    expect(done.textContent).toContain('3 of 3 snapshots added');
    await fireEvent.click(within(done).getByRole('button', { name: 'Open Tailspin Toys' }));
    expect(opentenant).toHaveBeenCalledWith({ id: 't9', name: 'Tailspin Toys' });
  });
});

describe('reports logic', () => {
  const today = new Date('2026-02-10T09:00:00Z');
  const form = (over: Partial<Parameters<typeof periodText>[0]>) => ({ choice: 'last_90' as const, month: '', from: '', to: '', ...over });

  it('names periods as the engine reads them', () => {
    expect(periodText(form({ choice: 'this_quarter' }), today)).toEqual({ period: '2026-Q1' });
    expect(periodText(form({ choice: 'last_quarter' }), today)).toEqual({ period: '2025-Q4' });
    expect(periodText(form({ choice: 'last_90' }), today)).toEqual({ period: '90d' });
    expect(periodText(form({ choice: 'month', month: '2026-01' }), today)).toEqual({ period: '2026-01' });
    expect(periodText(form({ choice: 'month', month: '2026-03' }), today)).toEqual({ error: 'Pick a month that has begun' });
    expect(periodText(form({ choice: 'custom', from: '2026-01-01', to: '2026-01-31' }), today)).toEqual({
      period: '2026-01-01..2026-01-31',
    });
    expect(periodText(form({ choice: 'custom', from: '2026-01-31', to: '2026-01-01' }), today)).toEqual({
      error: 'The last day is before the first',
    });
  });

  it('says periods, sizes and steps in words', () => {
    expect(periodWords('2026-10-01', '2026-12-31')).toBe('Q4 2026');
    expect(periodWords('2026-11-01', '2026-11-30')).toBe('Nov 2026');
    expect(periodWords('2026-09-07', '2026-12-05')).toBe('7 Sep – 5 Dec 2026');
    expect(periodWords('2025-12-20', '2026-01-10')).toBe('20 Dec 2025 – 10 Jan 2026');
    expect(sizeText(114_000)).toBe('114 KB');
    expect(sizeText(1_250_000)).toBe('1.3 MB');
    expect(packSteps(2, { evidence: false }).map((s) => s.state)).toEqual(['done', 'running', 'skipped', 'waiting']);
    expect(packSteps(0, { evidence: true, done: true }).every((s) => s.state === 'done')).toBe(true);
    expect(packSteps(3, { evidence: false, portfolio: true }).map((s) => s.state)).toEqual(['done', 'done', 'running']);
  });

  it('filters, exports and checks addresses', () => {
    expect(filterPacks(PACKS, 't1').map((p) => p.id)).toEqual([1]);
    expect(filterPacks([...PACKS, pack({ id: 9, kind: 'portfolio', tenant_id: null })], 'portfolio').map((p) => p.id)).toEqual([9]);
    const csv = packsCsv(PACKS);
    expect(csv.startsWith('\ufeff"tenant","domain","kind"')).toBe(true);
    expect(csv).toContain('"changed"');
    expect(looksLikeAddress(ADDRESS)).toBe(true);
    expect(looksLikeAddress('age1short')).toBe(false);
  });
});

describe('counted', () => {
  it('says one and many as people do', () => {
    expect(counted(1, 'open finding', 'open findings')).toBe('1 open finding');
    expect(counted(0, 'open finding', 'open findings')).toBe('0 open findings');
    expect(counted(2, 'person', 'people')).toBe('2 people');
  });
});
