// Opening a tenant from the Portfolio and coming back, in the whole window (IPC mocked): the
// portfolio keeps its filter, sort and focus.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from '../../App.svelte';
import { ROWS } from '../portfolio/fixtures';
import { ITEMS } from './fixtures';

vi.mock('../ipc/commands', () => ({
  appInfo: vi.fn(),
  workspaceStatus: vi.fn(),
  openWorkspace: vi.fn(),
  openDemo: vi.fn(),
  portfolio: vi.fn(),
  syncAll: vi.fn(),
  cancelSync: vi.fn(),
  tenantOverview: vi.fn(),
  tenantInventory: vi.fn(),
  objectDetail: vi.fn(),
  objectDiff: vi.fn(),
  breakGlassAccounts: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

afterEach(() => {
  cleanup();
});

async function openWindow() {
  ipc.appInfo.mockResolvedValue({ name: 'TenantAtlas', version: '1.0.0' });
  ipc.workspaceStatus.mockResolvedValue({
    default_path: '/home/ana/atlas',
    default_exists: true,
    default_protection: 'keychain',
    keychain_available: true,
    passphrase_needed: false,
    open: { path: '/home/ana/atlas', protection: 'keychain', demo: false },
    demo_requested: false,
  });
  ipc.portfolio.mockResolvedValue(ROWS);
  ipc.tenantOverview.mockImplementation(async (id) => ROWS.find((r) => r.id === id) ?? ROWS[0]);
  ipc.tenantInventory.mockResolvedValue(ITEMS);
  ipc.breakGlassAccounts.mockResolvedValue([]);
  const view = render(App);
  await screen.findAllByTestId('tenant-row');
  return view;
}

const portfolioNames = () =>
  screen.getAllByTestId('tenant-row').map((tr) => tr.querySelector('button.name')?.textContent?.trim());

describe('opening a tenant', () => {
  it('opens from the name and comes back with filters, sort and focus intact', async () => {
    const { container } = await openWindow();
    await fireEvent.click(screen.getByRole('button', { name: /^Open findings/ }));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter tenants' }), { target: { value: 'o' } });
    expect(portfolioNames()).toEqual(['Fabrikam', 'Contoso', 'Northwind']);

    const fabrikam = screen.getByRole('button', { name: 'Fabrikam' });
    fabrikam.focus();
    await fireEvent.click(fabrikam);
    expect(await screen.findByRole('heading', { level: 1, name: 'Fabrikam' })).toBeTruthy();
    expect(ipc.tenantOverview).toHaveBeenCalledWith('t2');
    expect(await screen.findAllByTestId('inventory-row')).toHaveLength(4);
    // The portfolio is hidden, not gone.
    expect(screen.getByRole('heading', { level: 1, name: 'Portfolio', hidden: true }).closest('[hidden]')).not.toBeNull();
    expect(container.querySelectorAll('[style]')).toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Back to Portfolio' }));
    expect(screen.queryByRole('heading', { level: 1, name: 'Fabrikam' })).toBeNull();
    expect(portfolioNames()).toEqual(['Fabrikam', 'Contoso', 'Northwind']);
    expect((screen.getByRole('searchbox', { name: 'Filter tenants' }) as HTMLInputElement).value).toBe('o');
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Fabrikam' })));
    expect(ipc.portfolio).toHaveBeenCalledOnce();
  });

  it('opens with Enter on a focused row and leaves with Escape or Alt+Left', async () => {
    await openWindow();
    const contoso = screen.getByRole('button', { name: 'Contoso' });
    contoso.focus();
    // A native button opens on Enter; jsdom has no default actions, so the click stands for it.
    await fireEvent.keyDown(contoso, { key: 'Enter' });
    await fireEvent.click(contoso);
    expect(await screen.findByRole('heading', { level: 1, name: 'Contoso' })).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('heading', { level: 1, name: 'Contoso' })).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Northwind' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Northwind' })).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true });
    expect(screen.queryByRole('heading', { level: 1, name: 'Northwind' })).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Portfolio' })).toBeTruthy();
  });
});
