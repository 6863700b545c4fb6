import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Baselines from './Baselines.svelte';
import type { BaselineSummary, BaselineView, InventoryRow } from '../ipc/commands';
import { row } from '../portfolio/fixtures';
import { groupByKind, originText, pickable, scoreText, templatePreview } from './baselines';

vi.mock('../ipc/commands', () => ({
  listBaselines: vi.fn(),
  baselineDetail: vi.fn(),
  portfolio: vi.fn(),
  assignBaseline: vi.fn(),
  unassignBaseline: vi.fn(),
  checkDrift: vi.fn(),
  createBaseline: vi.fn(),
  approveSnapshot: vi.fn(),
  tenantInventory: vi.fn(),
  pinBaselineObject: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const GOLDEN: BaselineSummary = {
  name: 'MSP golden',
  version: 2,
  origin: 'tenant',
  source_tenant: 'reference.onmicrosoft.com',
  source: 'reference.onmicrosoft.com snapshot 4',
  objects: 3,
  placeholders: ['prefix'],
  unexpected: false,
  tenants: ['contoso.onmicrosoft.com'],
  created_at: '2026-12-01T10:00:00Z',
  average_score: 81.5,
};

const VIEW: BaselineView = {
  baseline: GOLDEN,
  objects: [
    { kind: 'deviceCompliancePolicies', kind_label: 'Compliance policy', name: '{prefix} - Win - Compliance', templated: true, pinned_in: [] },
    { kind: 'deviceConfigurations', kind_label: 'Device configuration', name: '{prefix} - Win - BitLocker', templated: true, pinned_in: ['contoso.onmicrosoft.com'] },
    { kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'Wi-Fi', templated: false, pinned_in: [] },
  ],
  versions: [
    { version: 2, created_at: '2026-12-01T10:00:00Z', origin: 'tenant', source: 'reference.onmicrosoft.com snapshot 4', objects: 3 },
    { version: 1, created_at: '2026-11-01T10:00:00Z', origin: 'tenant', source: 'reference.onmicrosoft.com snapshot 1', objects: 2 },
  ],
  tenants: [
    {
      tenant_id: 't1',
      domain: 'contoso.onmicrosoft.com',
      name: 'Contoso',
      values: [{ placeholder: 'prefix', value: 'Contoso' }],
      score: 81.5,
      rating: 'needs_attention',
      scored_at: '2026-12-05T09:05:00Z',
      matched: 1,
      missing: 1,
      different: 1,
      unexpected: 0,
      accepted: 0,
    },
  ],
};

const TENANTS = [row({ id: 't1', name: 'Contoso', domain: 'contoso.onmicrosoft.com' }), row({ id: 't2', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' })];

beforeEach(() => {
  vi.resetAllMocks();
  ipc.portfolio.mockResolvedValue(TENANTS);
});
afterEach(() => cleanup());

async function openGolden() {
  ipc.listBaselines.mockResolvedValue([GOLDEN]);
  ipc.baselineDetail.mockResolvedValue(VIEW);
  render(Baselines);
  const rows = await screen.findAllByTestId('baseline-row');
  await fireEvent.click(rows[0]);
  return screen.getByRole('region', { name: 'Baseline' });
}

describe('Baselines', () => {
  it('shows a skeleton while loading, then each baseline with its average score', async () => {
    let answer!: (b: BaselineSummary[]) => void;
    ipc.listBaselines.mockReturnValue(new Promise((r) => (answer = r)));
    render(Baselines);
    expect(screen.getByTestId('baselines-loading').getAttribute('aria-busy')).toBe('true');
    answer([GOLDEN]);
    const [first] = await screen.findAllByTestId('baseline-row');
    expect(within(first).getByText('MSP golden')).toBeTruthy();
    expect(within(first).getByText('81.5')).toBeTruthy();
    expect(within(first).getByText(/from reference.onmicrosoft.com/)).toBeTruthy();
  });

  it('says there are none yet and offers to make one', async () => {
    ipc.listBaselines.mockResolvedValue([]);
    render(Baselines);
    expect(await screen.findByText('No baselines yet')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'New baseline…' }).length).toBeGreaterThan(0);
  });

  it('shows a failure as its message, never undefined, and Retry reads again', async () => {
    ipc.listBaselines.mockRejectedValueOnce({});
    ipc.listBaselines.mockResolvedValueOnce([GOLDEN]);
    render(Baselines);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/went wrong/);
    expect(alert.textContent).not.toContain('undefined');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('baseline-row')).toHaveLength(1);
  });

  it('opens a baseline: its tenants with score and counts, objects by kind with templates and pins, versions', async () => {
    const detail = await openGolden();
    expect(ipc.baselineDetail).toHaveBeenCalledWith('MSP golden');
    const tenant = await within(detail).findByTestId('baseline-tenant');
    expect(within(tenant).getByText('Contoso')).toBeTruthy();
    expect(within(tenant).getByText(/prefix = Contoso/)).toBeTruthy();
    expect(within(tenant).getByTestId('tenant-score').textContent).toBe('81.5');
    expect(within(tenant).getByText('Needs attention')).toBeTruthy();
    expect(within(detail).getByRole('heading', { name: /Device configuration/ })).toBeTruthy();
    expect(within(detail).getAllByText('template')).toHaveLength(2);
    expect(within(detail).getByText('pinned in 1')).toBeTruthy();
    expect(within(detail).getByText(/Version 1 ·/)).toBeTruthy();
    await fireEvent.input(within(detail).getByLabelText('Filter baseline objects'), { target: { value: 'wi-fi' } });
    expect(within(detail).queryAllByText('template')).toHaveLength(0);
  });

  it('assigns to the ticked tenants with their values, then checks drift now', async () => {
    const detail = await openGolden();
    await within(detail).findByTestId('baseline-tenant');
    ipc.assignBaseline.mockResolvedValue({ assigned: ['t2'], refused: [] });
    await fireEvent.click(within(detail).getByRole('button', { name: 'Assign to tenants…' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).queryByText('Contoso')).toBeNull();
    await fireEvent.click(within(dialog).getByRole('checkbox'));
    await fireEvent.input(within(dialog).getByLabelText('prefix for Fabrikam'), { target: { value: 'FAB' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Assign to 1 tenant' }));
    expect(ipc.assignBaseline).toHaveBeenCalledWith('MSP golden', [{ tenant: 't2', values: [{ placeholder: 'prefix', value: 'FAB' }] }]);
    const note = await screen.findByText(/Assigned MSP golden to 1 tenant/);
    ipc.checkDrift.mockResolvedValue([{ tenant: 'fabrikam.onmicrosoft.com', tenant_name: 'Fabrikam', score: 74.2, rating: 'needs_attention', findings: 5, opened: 5, resolved: 0 }]);
    await fireEvent.click(within(note.closest('[role="status"]') as HTMLElement).getByRole('button', { name: 'Check drift now' }));
    expect(ipc.checkDrift).toHaveBeenCalledWith(['t2']);
    expect(await screen.findByText(/Drift checked: Fabrikam 74.2/)).toBeTruthy();
  });

  it('unassigns only after confirming', async () => {
    const detail = await openGolden();
    await within(detail).findByTestId('baseline-tenant');
    ipc.unassignBaseline.mockResolvedValue({ ...GOLDEN, tenants: [] });
    await fireEvent.click(within(detail).getByRole('button', { name: 'Unassign Contoso' }));
    const dialog = screen.getByRole('dialog');
    expect(ipc.unassignBaseline).not.toHaveBeenCalled();
    expect(within(dialog).getByText(/findings stay/)).toBeTruthy();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Unassign' }));
    expect(ipc.unassignBaseline).toHaveBeenCalledWith('MSP golden', 't1');
  });

  it('exports the tenants of a baseline as CSV', async () => {
    const detail = await openGolden();
    await within(detail).findByTestId('baseline-tenant');
    ipc.saveCsv.mockResolvedValue({ path: '/home/ana/Downloads/b.csv' });
    await fireEvent.click(within(detail).getByRole('button', { name: 'Export CSV' }));
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toMatch(/^tenantatlas-baseline-msp-golden-\d{4}-\d{2}-\d{2}$/);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Contoso"');
    expect(lines[1]).toContain('"prefix=Contoso"');
    expect(await screen.findByText('Saved 1 tenant of MSP golden to /home/ana/Downloads/b.csv')).toBeTruthy();
  });

  it('pins a baseline object to a tenant object of another name, and removes a pin', async () => {
    const detail = await openGolden();
    await within(detail).findByTestId('baseline-tenant');
    ipc.tenantInventory.mockResolvedValue([
      { object_id: 'w1', kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'Contoso WLAN', deleted: false, version_no: 1, platforms: [], assignments: 1 },
      { object_id: 'w2', kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'Old WLAN', deleted: true, version_no: 2, platforms: [], assignments: 0 },
      { object_id: 'c1', kind: 'deviceCompliancePolicies', kind_label: 'Compliance policy', name: 'Compliance', deleted: false, version_no: 1, platforms: [], assignments: 1 },
    ]);
    const pinnedView: BaselineView = {
      ...VIEW,
      objects: VIEW.objects.map((o) => (o.name === 'Wi-Fi' ? { ...o, pinned_in: ['contoso.onmicrosoft.com'] } : o)),
    };
    ipc.pinBaselineObject.mockResolvedValue(pinnedView);
    await fireEvent.click(within(detail).getByRole('button', { name: 'Pin Wi-Fi in a tenant' }));
    const dialog = screen.getByRole('dialog');
    // Only the tenant's live objects of the same kind are offered.
    const choice = (await within(dialog).findByLabelText("The tenant's object")) as HTMLSelectElement;
    expect([...choice.options].map((o) => o.textContent)).toEqual(['Choose an object…', 'Contoso WLAN']);
    expect(within(dialog).queryByRole('button', { name: 'Remove the pin' })).toBeNull();
    await fireEvent.change(choice, { target: { value: 'w1' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Pin' }));
    expect(ipc.pinBaselineObject).toHaveBeenCalledWith('MSP golden', 't1', 'deviceConfigurations', 'Wi-Fi', 'w1');
    expect(await screen.findByText('Wi-Fi in Contoso is matched to Contoso WLAN.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();

    // The pinned BitLocker template: its pin can be removed.
    ipc.pinBaselineObject.mockResolvedValue(VIEW);
    await fireEvent.click(within(detail).getByRole('button', { name: 'Pin {prefix} - Win - BitLocker in a tenant' }));
    await fireEvent.click(await within(screen.getByRole('dialog')).findByRole('button', { name: 'Remove the pin' }));
    expect(ipc.pinBaselineObject).toHaveBeenLastCalledWith('MSP golden', 't1', 'deviceConfigurations', '{prefix} - Win - BitLocker', null);
  });

  it('creates a baseline from picked objects of a tenant, with a name template', async () => {
    ipc.listBaselines.mockResolvedValue([]);
    const inventory: InventoryRow[] = [
      { object_id: 'o1', kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'MSP - Win - BitLocker', deleted: false, version_no: 1, platforms: [], assignments: 1 },
      { object_id: 'o2', kind: 'deviceCompliancePolicies', kind_label: 'Compliance policy', name: 'MSP - Win - Compliance', deleted: false, version_no: 1, platforms: [], assignments: 1 },
      { object_id: 'o3', kind: 'deviceConfigurations', kind_label: 'Device configuration', name: 'Old', deleted: true, version_no: 2, platforms: [], assignments: 0 },
    ];
    ipc.tenantInventory.mockResolvedValue(inventory);
    ipc.createBaseline.mockResolvedValue({ ...GOLDEN, name: 'Win', version: 1, objects: 1 });
    ipc.baselineDetail.mockResolvedValue({ ...VIEW, baseline: { ...GOLDEN, name: 'Win' } });
    render(Baselines);
    await fireEvent.click((await screen.findAllByRole('button', { name: 'New baseline…' }))[0]);
    const dialog = screen.getByRole('dialog');
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'Win' } });
    await fireEvent.change(within(dialog).getByLabelText('Reference tenant'), { target: { value: 't1' } });
    expect(await within(dialog).findByText('MSP - Win - BitLocker')).toBeTruthy();
    expect(within(dialog).queryByText('Old')).toBeNull();
    await fireEvent.change(within(dialog).getByLabelText('Kind'), { target: { value: 'deviceConfigurations' } });
    expect(within(dialog).queryByText('MSP - Win - Compliance')).toBeNull();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Select shown' }));
    await fireEvent.input(within(dialog).getByLabelText('Placeholder'), { target: { value: 'prefix' } });
    await fireEvent.input(within(dialog).getByLabelText('Value in these names'), { target: { value: 'MSP' } });
    expect(within(dialog).getByText(/becomes "\{prefix\} - Win - BitLocker"/)).toBeTruthy();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create baseline' }));
    expect(ipc.createBaseline).toHaveBeenCalledWith({
      from: 'tenant',
      name: 'Win',
      tenant: 't1',
      object_ids: ['o1'],
      values: [{ placeholder: 'prefix', value: 'MSP' }],
      unexpected: false,
    });
    expect(await screen.findByText(/Win version 1 holds 1 objects/)).toBeTruthy();
  });

  it('imports a file, and a refusal shows in the dialog', async () => {
    ipc.listBaselines.mockResolvedValue([GOLDEN]);
    ipc.createBaseline.mockRejectedValue({ code: 'invalid_input', message: 'golden.json is larger than 64 MiB; split it' });
    render(Baselines);
    await screen.findAllByTestId('baseline-row');
    await fireEvent.click(screen.getByRole('button', { name: 'New baseline…' }));
    const dialog = screen.getByRole('dialog');
    await fireEvent.click(within(dialog).getByLabelText('A baseline file'));
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'msp golden' } });
    expect(within(dialog).getByText(/makes its version 3/)).toBeTruthy();
    await fireEvent.input(within(dialog).getByLabelText('File or folder'), { target: { value: '/tmp/golden.json' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create version 3' }));
    expect(ipc.createBaseline).toHaveBeenCalledWith({ from: 'file', name: 'msp golden', path: '/tmp/golden.json', unexpected: false });
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Golden.json is larger than 64 MiB; split it');
  });
});

describe('baselines', () => {
  it('words scores and origins, groups, picks and previews templates', () => {
    expect(scoreText(null)).toBe('—');
    expect(scoreText(80)).toBe('80.0');
    expect(originText({ origin: 'file', source_tenant: '' })).toBe('from a file');
    expect(originText({ origin: 'approved', source_tenant: 'a.example' })).toBe('approved snapshot of a.example');
    expect(groupByKind(VIEW.objects, '').map((g) => g.objects.length)).toEqual([1, 2]);
    expect(pickable([], '', '')).toEqual([]);
    expect(templatePreview('MSP - Win', 'prefix', 'MSP')).toBe('{prefix} - Win');
  });
});
