import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Tenant from './Tenant.svelte';
import { NOW, ROWS, row } from '../portfolio/fixtures';
import { CHANGES, DETAIL, ITEMS, item } from './fixtures';

vi.mock('../ipc/commands', () => ({
  tenantOverview: vi.fn(),
  tenantInventory: vi.fn(),
  objectDetail: vi.fn(),
  objectDiff: vi.fn(),
  saveCsv: vi.fn(),
  breakGlassAccounts: vi.fn(),
  setBreakGlassAccounts: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
  ipc.breakGlassAccounts.mockResolvedValue([]);
});

afterEach(() => {
  cleanup();
});

const FABRIKAM = ROWS[1];

function show(onback = vi.fn()) {
  const view = render(Tenant, { props: { tenant: { id: FABRIKAM.id, name: FABRIKAM.name }, onback, now: () => NOW } });
  return { ...view, onback };
}

function ready() {
  ipc.tenantOverview.mockResolvedValue(FABRIKAM);
  ipc.tenantInventory.mockResolvedValue(ITEMS);
  ipc.objectDetail.mockResolvedValue(DETAIL);
}

const names = () =>
  screen.getAllByTestId('inventory-row').map((b) => b.querySelector('.name')?.textContent?.trim());

describe('Tenant', () => {
  it('shows the name at once and skeletons while the tenant loads', () => {
    ipc.tenantOverview.mockReturnValue(new Promise(() => {}));
    ipc.tenantInventory.mockReturnValue(new Promise(() => {}));
    show();
    expect(screen.getByRole('heading', { level: 1, name: 'Fabrikam' })).toBeTruthy();
    expect(screen.getByTestId('overview-loading').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading objects…')).toBeTruthy();
    expect(screen.getByText('Select an object')).toBeTruthy();
    expect(ipc.tenantOverview).toHaveBeenCalledWith('t2');
    expect(ipc.tenantInventory).toHaveBeenCalledWith('t2');
  });

  it('shows each failure as its message and loads again on Retry', async () => {
    ipc.tenantOverview.mockRejectedValueOnce({ code: 'not_found', message: "no tenant 't2' in this workspace" });
    ipc.tenantOverview.mockResolvedValueOnce(FABRIKAM);
    ipc.tenantInventory.mockRejectedValueOnce(new Error());
    ipc.tenantInventory.mockResolvedValueOnce(ITEMS);
    show();
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      expect.stringContaining("No tenant 't2' in this workspace"),
      expect.stringContaining('Something went wrong inside TenantAtlas'),
    ]);
    expect(alerts.some((a) => a.textContent?.includes('undefined'))).toBe(false);
    for (const alert of alerts) await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('inventory-row')).toHaveLength(4);
    expect(screen.getByTestId('overview-score').textContent?.trim()).toBe('58');
  });

  it('says how to capture objects when there are none', async () => {
    ipc.tenantOverview.mockResolvedValue(FABRIKAM);
    ipc.tenantInventory.mockResolvedValue([]);
    show();
    expect(await screen.findByText('No objects captured yet')).toBeTruthy();
    expect(screen.getByText('tenantatlas sync --tenant fabrikam.onmicrosoft.com')).toBeTruthy();
  });

  it('shows the overview: who, sync age, score, findings, sign-in and permissions', async () => {
    ready();
    show();
    const overview = await screen.findByRole('list', { name: 'Overview' });
    expect(screen.getByText('fabrikam.onmicrosoft.com')).toBeTruthy();
    expect(screen.getByText('t2')).toBeTruthy();
    expect(screen.getByText('Active')).toBeTruthy();
    expect(screen.getByTestId('overview-sync').textContent).toBe('2 d ago');
    expect(screen.getByTestId('overview-sync').classList.contains('age-late')).toBe(true);
    expect(within(overview).getByText(/last sync failed/)).toBeTruthy();
    expect(screen.getByTestId('overview-score').classList.contains('rating-at_risk')).toBe(true);
    expect(within(overview).getByText('At risk · MSP Gold')).toBeTruthy();
    expect(within(overview).getByRole('img', { name: '3 high, 4 medium, 1 low, 2 info' })).toBeTruthy();
    expect(within(overview).getByText('1 risk-accepted')).toBeTruthy();
    expect(screen.getByTestId('overview-sign-in').textContent?.trim()).toBe('Reconnect needed');
    expect(within(overview).getByText('Sign-in lapsed 4 d ago')).toBeTruthy();
    expect(within(overview).getByText('1 permission missing')).toBeTruthy();
    expect(within(overview).getByText('DeviceManagementConfiguration.Read.All')).toBeTruthy();
  });

  it('filters the inventory by search, kind, platform, assignment and deletion', async () => {
    ready();
    show();
    await screen.findAllByTestId('inventory-row');
    expect(names()).toEqual(['iOS - Compliance', 'Win - Compliance - BitLocker', 'Require MFA for admins', 'Defender baseline']);
    expect(screen.getByText('Compliance policy')).toBeTruthy();

    const search = screen.getByRole('searchbox', { name: 'Search objects' });
    await fireEvent.input(search, { target: { value: 'compliance' } });
    expect(names()).toEqual(['iOS - Compliance', 'Win - Compliance - BitLocker']);
    expect(screen.getByTestId('inventory-count').textContent?.trim()).toBe('2 objects');
    // Escape in the search clears it, and does not leave the screen.
    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(names()).toHaveLength(4);

    await fireEvent.change(screen.getByRole('combobox', { name: 'Platform' }), { target: { value: 'macos' } });
    expect(names()).toEqual(['Defender baseline']);
    const deleted = screen.getByRole('button', { name: /Show deleted/ });
    await fireEvent.click(deleted);
    expect(deleted.getAttribute('aria-pressed')).toBe('true');
    expect(names()).toEqual(['Old macOS compliance', 'Defender baseline']);
    const gone = screen.getAllByTestId('inventory-row')[0];
    expect(within(gone).getByText('Deleted')).toBeTruthy();

    await fireEvent.change(screen.getByRole('combobox', { name: 'Platform' }), { target: { value: '' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Assignment' }), { target: { value: 'unassigned' } });
    expect(names()).toEqual(['iOS - Compliance', 'Defender baseline']);
    await fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), {
      target: { value: 'configurationPolicies' },
    });
    expect(names()).toEqual(['Defender baseline']);

    await fireEvent.input(search, { target: { value: 'nothing like this' } });
    expect(screen.queryAllByTestId('inventory-row')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(names()).toHaveLength(5);
  });

  it('exports the objects the filters leave as CSV, named after the tenant', async () => {
    ready();
    ipc.saveCsv.mockResolvedValue({ path: '/home/ana/Downloads/x.csv' });
    show();
    await screen.findAllByTestId('inventory-row');
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Search objects' }), { target: { value: 'compliance' } });
    await fireEvent.click(screen.getByRole('button', { name: 'CSV' }));
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toMatch(/^tenantatlas-inventory-fabrikam-\d{4}-\d{2}-\d{2}$/);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"iOS - Compliance"');
    expect(await screen.findByText('Saved 2 objects to /home/ana/Downloads/x.csv')).toBeTruthy();
  });

  it('opens with an object shown when search picked one', async () => {
    ready();
    render(Tenant, { props: { tenant: { id: FABRIKAM.id, name: FABRIKAM.name, objectId: 'c2' }, onback: vi.fn(), now: () => NOW } });
    await screen.findAllByTestId('inventory-row');
    await vi.waitFor(() => expect(ipc.objectDetail).toHaveBeenCalledWith(FABRIKAM.id, 'c2'));
  });

  it('pages a large inventory', async () => {
    ipc.tenantOverview.mockResolvedValue(FABRIKAM);
    ipc.tenantInventory.mockResolvedValue(
      Array.from({ length: 2500 }, (_, i) => item({ object_id: `o${i}`, name: `Policy ${String(i).padStart(4, '0')}` })),
    );
    show();
    expect(await screen.findAllByTestId('inventory-row')).toHaveLength(100);
    expect(screen.getByText('1–100 of 2500')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByText('101–200 of 2500')).toBeTruthy();
    expect(names()[0]).toBe('Policy 0100');
    expect(document.activeElement?.textContent).toContain('Policy 0100');
  });

  it('opens an object: settings in words, assignments, raw JSON as text', async () => {
    ready();
    const { container } = show();
    const rows = await screen.findAllByTestId('inventory-row');
    await fireEvent.click(rows[1]);
    expect(ipc.objectDetail).toHaveBeenCalledWith('t2', 'c1');
    expect(rows[1].getAttribute('aria-current')).toBe('true');
    expect(await screen.findByRole('heading', { level: 2, name: 'Win - Compliance - BitLocker' })).toBeTruthy();
    expect(screen.getByText(/Version 3, captured/)).toBeTruthy();

    const tab = (name: RegExp) => screen.getByRole('tab', { name });
    expect(tab(/^Settings/).getAttribute('aria-selected')).toBe('true');
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByText('Require BitLocker')).toBeTruthy();
    expect(within(panel).getByText('10.0.19045')).toBeTruthy();

    // Arrow keys move between tabs.
    await fireEvent.keyDown(tab(/^Settings/), { key: 'ArrowRight' });
    expect(tab(/^Assignments/).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tab(/^Assignments/));
    const assignments = screen.getByRole('tabpanel');
    expect(within(assignments).getByText('SG-All-Devices')).toBeTruthy();
    expect(within(assignments).getByText('Corporate devices (include)')).toBeTruthy();
    expect(within(assignments).getByText('Exclude')).toBeTruthy();

    await fireEvent.click(tab(/^Raw JSON/));
    const raw = screen.getByTestId('raw-json');
    expect(raw.textContent).toContain('"bitLockerEnabled": true');
    expect(raw.textContent).toContain('"displayName": "<b>Win</b> \\u{202e}evil"');
    expect(raw.querySelector('b')).toBeNull();
    expect(container.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('shows why an object could not be read', async () => {
    ready();
    ipc.objectDetail.mockReset();
    ipc.objectDetail.mockRejectedValue({ code: 'not_found', message: 'no object c1 in fabrikam.onmicrosoft.com' });
    show();
    await fireEvent.click((await screen.findAllByTestId('inventory-row'))[1]);
    expect((await screen.findByRole('alert')).textContent).toContain('No object c1 in fabrikam.onmicrosoft.com');
  });

  it('compares any two versions side by side in words', async () => {
    ready();
    ipc.objectDiff.mockResolvedValue(CHANGES);
    show();
    await fireEvent.click((await screen.findAllByTestId('inventory-row'))[1]);
    await fireEvent.click(await screen.findByRole('tab', { name: /^History/ }));

    // The newest two are chosen at first.
    expect(screen.getByRole('button', { name: 'Compare version 2 with 3' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('radio', { name: 'Compare from version 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Compare version 1 with 3' }));
    expect(ipc.objectDiff).toHaveBeenCalledWith('t2', 'c1', 1, 3);

    const diff = await screen.findByRole('region', { name: 'Changes from version 1 to 3' });
    expect(within(diff).getByText('2 changes')).toBeTruthy();
    const changes = within(diff)
      .getAllByTestId('change-row')
      .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.replace(/\s+/g, ' ').trim()));
    expect(changes).toEqual([
      ['Require BitLocker Setting', 'Not required', 'Require'],
      ['Assignment: group SG-Kiosks Assignment', 'Not set', 'Exclude'],
    ]);

    // The same version twice cannot be compared.
    await fireEvent.click(screen.getByRole('radio', { name: 'Compare to version 1' }));
    expect((screen.getByRole('button', { name: 'Compare version 1 with 1' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says a diff needs two versions when there is one', async () => {
    ready();
    ipc.objectDetail.mockResolvedValue({ ...DETAIL, versions: [DETAIL.versions[2]], version_no: 1 });
    show();
    await fireEvent.click((await screen.findAllByTestId('inventory-row'))[1]);
    await fireEvent.click(await screen.findByRole('tab', { name: /^History/ }));
    expect(screen.getByText(/Only one version has been captured/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Compare/ })).toBeNull();
  });

  it('goes back on the Back button, Escape and Alt+Left', async () => {
    ready();
    const { onback } = show();
    await screen.findAllByTestId('inventory-row');
    await fireEvent.click(screen.getByRole('button', { name: 'Back to Portfolio' }));
    await fireEvent.keyDown(window, { key: 'Escape' });
    await fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true });
    await fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(onback).toHaveBeenCalledTimes(3);
  });

  it('shows tenant text as text', async () => {
    ipc.tenantOverview.mockResolvedValue(row({ id: 't9', name: 'Evil\u202eexe', domain: 'evil.example' }));
    ipc.tenantInventory.mockResolvedValue([item({ object_id: 'x', name: '<img src=x onerror=alert(1)>\nFAKE' })]);
    const { container } = show();
    expect(await screen.findByText('<img src=x onerror=alert(1)>\\nFAKE')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Evil\\u{202e}exe');
    expect(container.querySelector('img')).toBeNull();
  });

  it('names the break-glass accounts from their card, and shows why a name is refused', async () => {
    ready();
    ipc.breakGlassAccounts.mockResolvedValue(['bg1@fabrikam.com']);
    show();
    const card = await screen.findByTestId('break-glass');
    expect(await within(card).findByText('1 named')).toBeTruthy();
    expect(within(card).getByText('bg1@fabrikam.com')).toBeTruthy();

    await fireEvent.click(within(card).getByRole('button', { name: 'Edit…' }));
    const dialog = screen.getByRole('dialog', { name: 'Break-glass accounts' });
    const field = within(dialog).getByLabelText('User principal names') as HTMLTextAreaElement;
    expect(field.value).toBe('bg1@fabrikam.com');
    ipc.setBreakGlassAccounts.mockRejectedValueOnce({
      code: 'invalid_input',
      message: "'oops' is not a user principal name; name each account as it signs in",
    });
    await fireEvent.input(field, { target: { value: 'oops' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain("'oops' is not a user principal name");

    ipc.setBreakGlassAccounts.mockResolvedValueOnce(['bg1@fabrikam.com', 'bg2@fabrikam.com']);
    await fireEvent.input(field, { target: { value: ' BG1@fabrikam.com \nbg2@fabrikam.com\n\n' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(card).findByText('2 named')).toBeTruthy();
    expect(ipc.setBreakGlassAccounts).toHaveBeenLastCalledWith('t2', ['BG1@fabrikam.com', 'bg2@fabrikam.com']);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers no editor over break-glass accounts it could not read, only Retry', async () => {
    ready();
    ipc.breakGlassAccounts.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is busy' });
    ipc.breakGlassAccounts.mockResolvedValueOnce([]);
    show();
    const card = await screen.findByTestId('break-glass');
    expect(await within(card).findByText('Not read')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'Edit…' })).toBeNull();
    await fireEvent.click(within(card).getByRole('button', { name: 'Retry' }));
    expect(await within(card).findByText('None named')).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Edit…' })).toBeTruthy();
  });
});
