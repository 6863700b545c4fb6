import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Operations from './Operations.svelte';
import type { RunDetail, RunRow } from '../ipc/commands';
import { durationText, filterRuns, runsCsv, sortRuns } from './runs';

vi.mock('../ipc/commands', () => ({
  listRuns: vi.fn(),
  runDetail: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const NOW = new Date('2026-12-05T12:00:00Z');

function run(over: Partial<RunRow> & Pick<RunRow, 'id'>): RunRow {
  return {
    kind: 'sync',
    tenant_id: 't1',
    tenant_name: 'Contoso Ltd',
    tenant_domain: 'contoso.onmicrosoft.com',
    status: 'succeeded',
    started_at: '2026-12-05T11:00:00.000Z',
    finished_at: '2026-12-05T11:00:02.500Z',
    duration_ms: 2500,
    objects: 120,
    versions_added: 4,
    requests: 9,
    graph_calls: 40,
    retries: 0,
    throttled: 0,
    errors: 0,
    ...over,
  };
}

const RUNS: RunRow[] = [
  run({ id: 'r3', kind: 'drift', started_at: '2026-12-05T11:30:00.000Z', objects: 80, requests: 0, graph_calls: 0 }),
  run({
    id: 'r2',
    tenant_id: 't2',
    tenant_name: 'Fabrikam Inc',
    tenant_domain: 'fabrikam.onmicrosoft.com',
    status: 'partial',
    errors: 1,
    started_at: '2026-12-05T11:10:00.000Z',
  }),
  run({ id: 'r1', tenant_id: 'gone', tenant_name: null, tenant_domain: null, status: 'failed', errors: 2, duration_ms: null }),
];

const DETAIL: RunDetail = {
  run: RUNS[1],
  facts: [{ label: 'not checked', value: 'Conditional Access policy (4): consent lacks Policy.Read.All' }],
  counts: [{ kind: 'deviceConfigurations', label: 'Device configuration', objects: 12 }],
  errors: [{ kind: 'Conditional Access policy', message: '403 Forbidden', request_id: 'req-42', status: 403 }],
};

beforeEach(() => {
  vi.resetAllMocks();
});
afterEach(() => cleanup());

const show = (props: Record<string, unknown> = {}) => render(Operations, { props: { now: () => NOW, ...props } });

describe('Operations', () => {
  it('shows a skeleton while loading, then the runs newest first', async () => {
    let answer!: (runs: RunRow[]) => void;
    ipc.listRuns.mockReturnValue(new Promise((r) => (answer = r)));
    show();
    expect(screen.getByTestId('operations-loading').getAttribute('aria-busy')).toBe('true');
    answer(RUNS);
    const rows = await screen.findAllByTestId('run-row');
    expect(rows.map((r) => r.getAttribute('data-run-index'))).toEqual(['0', '1', '2']);
    expect(within(rows[0]).getByText('Drift check')).toBeTruthy();
    expect(within(rows[0]).getByText('30 min ago')).toBeTruthy();
    expect(within(rows[2]).getByText('gone (removed)')).toBeTruthy();
    expect(within(rows[2]).getByText('Failed')).toBeTruthy();
    expect(within(rows[2]).getByText('—')).toBeTruthy();
  });

  it('says there are no runs yet', async () => {
    ipc.listRuns.mockResolvedValue([]);
    show();
    expect(await screen.findByText('No runs yet')).toBeTruthy();
  });

  it('shows a failure as its message, and Retry reads again', async () => {
    ipc.listRuns.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is held by another run; wait for it' });
    ipc.listRuns.mockResolvedValueOnce(RUNS);
    show();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('held by another run');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('run-row')).toHaveLength(3);
  });

  it('filters by status and text, and clears', async () => {
    ipc.listRuns.mockResolvedValue(RUNS);
    show();
    await screen.findAllByTestId('run-row');
    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'partial' } });
    expect(screen.getAllByTestId('run-row')).toHaveLength(1);
    expect(screen.getByText('1 of 3 runs')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Filter runs'), { target: { value: 'contoso' } });
    expect(screen.queryAllByTestId('run-row')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getAllByTestId('run-row')).toHaveLength(3);
  });

  it('opens a run in full with its errors and request ids; arrows move through runs', async () => {
    ipc.listRuns.mockResolvedValue(RUNS);
    ipc.runDetail.mockResolvedValue(DETAIL);
    show();
    const rows = await screen.findAllByTestId('run-row');
    await fireEvent.click(rows[1]);
    expect(ipc.runDetail).toHaveBeenCalledWith('r2');
    const pane = screen.getByRole('complementary', { name: 'Run' });
    expect(await within(pane).findByText('req-42')).toBeTruthy();
    expect(within(pane).getByText(/consent lacks Policy.Read.All/)).toBeTruthy();
    expect(within(pane).getByText('Device configuration')).toBeTruthy();
    expect(within(pane).getByText(/HTTP 403/)).toBeTruthy();
    await fireEvent.keyDown(rows[1], { key: 'ArrowDown' });
    expect(ipc.runDetail).toHaveBeenLastCalledWith('r1');
  });

  it('exports the rows it shows as CSV and says where', async () => {
    ipc.listRuns.mockResolvedValue(RUNS);
    ipc.saveCsv.mockResolvedValue({ path: '/home/me/Downloads/tenantatlas-runs-2026-12-05.csv' });
    show();
    await screen.findAllByTestId('run-row');
    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toBe('tenantatlas-runs-2026-12-05');
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(csv).toContain('"r1"');
    expect((await screen.findByText(/^Saved 1 run to/)).textContent).toContain('Downloads/tenantatlas-runs-2026-12-05.csv');
  });

  it('reads the runs again when the section comes back into view', async () => {
    ipc.listRuns.mockResolvedValue(RUNS);
    const view = show({ active: true });
    await screen.findAllByTestId('run-row');
    await view.rerender({ active: false });
    await view.rerender({ active: true });
    await vi.waitFor(() => expect(ipc.listRuns).toHaveBeenCalledTimes(2));
  });
});

describe('runs', () => {
  it('words durations and sorts with ties newest first', () => {
    expect(durationText(850)).toBe('850 ms');
    expect(durationText(12_400)).toBe('12.4 s');
    expect(durationText(185_000)).toBe('3 min 05 s');
    expect(sortRuns(RUNS, { key: 'errors', dir: 'desc' }).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(filterRuns(RUNS, { text: 'fabrikam partial', kind: '', status: '' }).map((r) => r.id)).toEqual(['r2']);
    expect(runsCsv([RUNS[2]])).toContain('"gone"');
  });
});
