import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Compare from './Compare.svelte';
import type { CompareResult } from '../ipc/commands';
import { row } from '../portfolio/fixtures';
import { compareCsv, filterRows } from './compare';

vi.mock('../ipc/commands', () => ({
  portfolio: vi.fn(),
  listBaselines: vi.fn(),
  listSnapshots: vi.fn(),
  compareSides: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const TENANTS = [row({ id: 't1', name: 'Contoso', domain: 'contoso.onmicrosoft.com' }), row({ id: 't2', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' })];

const RESULT: CompareResult = {
  left: { title: 'Contoso', subtitle: 'contoso.onmicrosoft.com · latest snapshot', at: '2026-12-05T09:00:00Z', is_baseline: false },
  right: { title: 'Fabrikam', subtitle: 'fabrikam.onmicrosoft.com · latest snapshot', at: '2026-12-05T09:00:00Z', is_baseline: false },
  rows: [
    {
      kind: 'deviceConfigurations',
      kind_label: 'Device configuration',
      name: 'MSP - Win - BitLocker',
      left_id: 'a1',
      right_id: 'b1',
      status: 'different',
      changes: [
        {
          setting: 'Require Device Encryption',
          area: 'setting',
          before: 'Enabled',
          after: 'Disabled',
          summary: 'Require Device Encryption: Enabled → Disabled',
          text_diff: null,
          path: 'requireDeviceEncryption',
          raw_left: 'true',
          raw_right: 'false',
        },
      ],
    },
    { kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'Wi-Fi', left_id: 'a2', right_id: 'b2', status: 'same', changes: [] },
    { kind: 'deviceCompliancePolicies', kind_label: 'Compliance policy', name: 'Old compliance', left_id: 'a3', right_id: null, status: 'only_left', changes: [] },
  ],
  only_left: 1,
  only_right: 0,
  different: 1,
  same: 1,
  not_compared: [],
};

beforeEach(() => {
  vi.resetAllMocks();
  ipc.portfolio.mockResolvedValue(TENANTS);
  ipc.listBaselines.mockResolvedValue([]);
  ipc.listSnapshots.mockResolvedValue([
    { id: 9, taken_at: '2026-12-05T09:00:00Z', objects: 120 },
    { id: 4, taken_at: '2026-12-01T09:00:00Z', objects: 118 },
  ]);
});
afterEach(() => cleanup());

async function compareTwo() {
  render(Compare, { props: { now: () => new Date('2026-12-05T12:00:00Z') } });
  await fireEvent.change(await screen.findByLabelText('Left: tenant or baseline'), { target: { value: 't:t1' } });
  await fireEvent.change(screen.getByLabelText('Right: tenant or baseline'), { target: { value: 't:t2' } });
  await fireEvent.click(screen.getByRole('button', { name: 'Compare side by side' }));
}

describe('Compare', () => {
  it('loads the choices, then compares two tenants: counts as chips, what differs shown', async () => {
    ipc.compareSides.mockResolvedValue(RESULT);
    await compareTwo();
    expect(ipc.compareSides).toHaveBeenCalledWith({ type: 'tenant', tenant: 't1', snapshot: null }, { type: 'tenant', tenant: 't2', snapshot: null });
    const rows = await screen.findAllByTestId('compare-row');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('count-same').textContent).toBe('1');
    expect(screen.getByRole('button', { name: /^Only in Contoso/ }).getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByRole('button', { name: /^Same/ }));
    expect(screen.getAllByTestId('compare-row')).toHaveLength(3);
  });

  it("opens a different object's settings side by side in words, raw values on demand", async () => {
    ipc.compareSides.mockResolvedValue(RESULT);
    await compareTwo();
    const [first] = await screen.findAllByTestId('compare-row');
    await fireEvent.click(first);
    const pane = screen.getByRole('complementary', { name: 'Object compared' });
    const change = within(pane).getByTestId('change-row');
    expect(within(change).getByText('Require Device Encryption')).toBeTruthy();
    expect(within(change).getByText('Enabled')).toBeTruthy();
    expect(within(change).getByText('Disabled')).toBeTruthy();
    expect(within(change).queryByText('requireDeviceEncryption')).toBeNull();
    await fireEvent.click(within(pane).getByLabelText('Show raw values'));
    expect(within(change).getByText('requireDeviceEncryption')).toBeTruthy();
    expect(within(change).getByText('false')).toBeTruthy();
  });

  it('picks an older snapshot, and Swap compares the other way round', async () => {
    ipc.compareSides.mockResolvedValue(RESULT);
    render(Compare);
    await fireEvent.change(await screen.findByLabelText('Left: tenant or baseline'), { target: { value: 't:t1' } });
    const snapshot = await screen.findByLabelText('Left: snapshot');
    await vi.waitFor(() => expect(within(snapshot).getAllByRole('option')).toHaveLength(2));
    await fireEvent.change(snapshot, { target: { value: '4' } });
    await fireEvent.change(screen.getByLabelText('Right: tenant or baseline'), { target: { value: 't:t1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Compare side by side' }));
    expect(ipc.compareSides).toHaveBeenLastCalledWith({ type: 'tenant', tenant: 't1', snapshot: 4 }, { type: 'tenant', tenant: 't1', snapshot: null });
    await screen.findAllByTestId('compare-row');
    await fireEvent.click(screen.getByRole('button', { name: 'Swap sides' }));
    expect(ipc.compareSides).toHaveBeenLastCalledWith({ type: 'tenant', tenant: 't1', snapshot: null }, { type: 'tenant', tenant: 't1', snapshot: 4 });
  });

  it('says what failed, never undefined', async () => {
    ipc.compareSides.mockRejectedValue({ code: 'not_found', message: 'fabrikam.onmicrosoft.com has no snapshot yet; run `tenantatlas sync` first' });
    await compareTwo();
    expect((await screen.findByRole('alert')).textContent).toContain('Fabrikam.onmicrosoft.com has no snapshot yet');
  });

  it('says when there is nothing to compare, and shows a loading state first', async () => {
    let answer!: (rows: typeof TENANTS) => void;
    ipc.portfolio.mockReturnValue(new Promise((r) => (answer = r)));
    render(Compare);
    expect(screen.getByTestId('compare-loading')).toBeTruthy();
    answer([]);
    expect(await screen.findByText('Nothing to compare yet')).toBeTruthy();
  });

  it('exports the rows that show as CSV and says where', async () => {
    ipc.compareSides.mockResolvedValue(RESULT);
    ipc.saveCsv.mockResolvedValue({ path: '/home/me/Downloads/tenantatlas-compare-2026-12-05.csv' });
    await compareTwo();
    await screen.findAllByTestId('compare-row');
    await fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toBe('tenantatlas-compare-2026-12-05');
    expect(csv).toContain('"Require Device Encryption","Enabled","Disabled"');
    expect(csv).not.toContain('Wi-Fi');
    expect(await screen.findByText(/^Saved 2 objects to/)).toBeTruthy();
  });
});

describe('compare', () => {
  it('filters by status and words, and writes a line per change', () => {
    expect(filterRows(RESULT.rows, ['same'], '').map((r) => r.name)).toEqual(['Wi-Fi']);
    expect(filterRows(RESULT.rows, ['same', 'different', 'only_left'], 'compliance').map((r) => r.name)).toEqual(['Old compliance']);
    expect(compareCsv(RESULT, RESULT.rows).trim().split('\r\n')).toHaveLength(4);
  });
});
