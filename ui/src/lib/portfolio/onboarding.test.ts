// The Portfolio's ways into the onboarding wizard: Connect tenant, Reconnect, Continue onboarding.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Portfolio from './Portfolio.svelte';
import { NOW, ROWS, row } from './fixtures';

vi.mock('../ipc/commands', () => ({
  portfolio: vi.fn(),
  syncAll: vi.fn(),
  cancelSync: vi.fn(),
  connectTenant: vi.fn(),
  reconnectTenant: vi.fn(),
  cancelSignIn: vi.fn(),
  openSignInPage: vi.fn(),
  syncTenant: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
});

afterEach(() => {
  cleanup();
});

const show = () => render(Portfolio, { props: { now: () => NOW } });

describe('Portfolio and the onboarding wizard', () => {
  it('opens the wizard from the empty portfolio and from the header', async () => {
    ipc.portfolio.mockResolvedValue([]);
    show();
    await fireEvent.click(await screen.findByRole('button', { name: 'Connect a tenant' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('heading', { name: 'Connect a tenant' })).toBeTruthy();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(ipc.portfolio).toHaveBeenCalledTimes(1);

    await fireEvent.click(screen.getByRole('button', { name: 'Connect tenant' }));
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('Reconnect signs in to that tenant again and reloads the portfolio after', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    const lapsed = ROWS.find((r) => r.needs_reconnect)!;
    ipc.reconnectTenant.mockResolvedValue({
      id: lapsed.id,
      domain: lapsed.domain,
      name: lapsed.name,
      username: 'admin@x',
      missing: [],
      sign_in_lapses_at: '2027-03-05T10:00:00Z',
    });
    show();
    await fireEvent.click(await screen.findByRole('button', { name: 'Reconnect' }));
    expect(ipc.reconnectTenant).toHaveBeenCalledWith(lapsed.id, expect.any(Function));
    await fireEvent.click(await screen.findByRole('button', { name: 'Done' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Back to the portfolio' }));
    await vi.waitFor(() => expect(ipc.portfolio).toHaveBeenCalledTimes(2));
  });

  it('exports the tenants the table shows as CSV and says where', async () => {
    ipc.portfolio.mockResolvedValue(ROWS);
    ipc.saveCsv.mockResolvedValue({ path: '/home/ana/Downloads/tenantatlas-portfolio-2026-12-05.csv' });
    show();
    await screen.findAllByTestId('tenant-row');
    await fireEvent.input(screen.getByLabelText('Filter tenants'), { target: { value: 'fabrikam' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toBe('tenantatlas-portfolio-2026-12-05');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Fabrikam"');
    expect(lines[1]).toContain('"DeviceManagementConfiguration.Read.All"');
    expect(await screen.findByText('Saved 1 tenant to /home/ana/Downloads/tenantatlas-portfolio-2026-12-05.csv')).toBeTruthy();
  });

  it('a tenant signed in but never synced continues at its first sync', async () => {
    ipc.portfolio.mockResolvedValue([row({ id: 'new', name: 'Newco', state: 'onboarding', last_good_sync: null })]);
    ipc.syncTenant.mockReturnValue(new Promise(() => {}));
    show();
    await fireEvent.click(await screen.findByRole('button', { name: 'Continue onboarding' }));
    expect(ipc.syncTenant).toHaveBeenCalledWith('new', expect.any(Function));
    expect(screen.getByLabelText('First sync progress')).toBeTruthy();
  });
});
