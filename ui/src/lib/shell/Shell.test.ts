import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import Shell from './Shell.svelte';
import { BITLOCKER, TENANT_HIT } from '../search/fixtures';

// Search and the Tenant screen's reads answer from the test; every other command is the real
// wrapper (nothing here calls one).
vi.mock('../ipc/commands', async (actual) => ({
  ...(await actual<typeof import('../ipc/commands')>()),
  search: vi.fn(),
  tenantOverview: vi.fn(),
  tenantInventory: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
});

afterEach(() => {
  cleanup();
});

const portfolio = createRawSnippet(() => ({ render: () => '<p>the portfolio screen</p>' }));
const findings = createRawSnippet((active: () => boolean) => ({
  render: () => `<p>the findings screen${active() ? '' : ' (hidden)'}</p>`,
}));
const show = (workspaceName = 'Demo portfolio') => render(Shell, { props: { workspaceName, portfolio, findings } });

describe('Shell', () => {
  it('opens on the portfolio with the workspace name in the top bar', () => {
    show();
    expect(screen.getByText('the portfolio screen')).toBeTruthy();
    expect(screen.getByTestId('workspace-name').textContent).toBe('Demo portfolio');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toContain('Portfolio');
  });

  it('shows what a section will hold instead of a broken page', async () => {
    show();
    for (const name of ['Baselines', 'Operations', 'Settings']) {
      await fireEvent.click(screen.getByRole('button', { name: new RegExp(`^${name}`) }));
      expect(screen.getByRole('heading', { level: 1, name })).toBeTruthy();
      expect(screen.getByText('Coming in a later version')).toBeTruthy();
      // Hidden, not gone: the portfolio keeps its filters and sort for when the engineer comes back.
      expect(screen.getByText('the portfolio screen').closest('[hidden]')).not.toBeNull();
      expect(screen.getByRole('button', { name: new RegExp(`^${name}`) }).getAttribute('aria-current')).toBe('page');
    }
    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    expect(screen.getByText('the portfolio screen').closest('[hidden]')).toBeNull();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
  });

  it('opens Findings on its first visit and keeps it mounted after', async () => {
    show();
    expect(screen.queryByText(/the findings screen/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Findings/ }));
    expect(screen.getByText('the findings screen')).toBeTruthy();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
    expect(screen.getByText('the portfolio screen').closest('[hidden]')).not.toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    // Still there, hidden, and told so: its filters and checks wait for the engineer's return.
    expect(screen.getByText('the findings screen').closest('[hidden]')).not.toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Findings/ }));
    expect(screen.getByText('the findings screen').closest('[hidden]')).toBeNull();
  });

  it('shows Operations in its section, told whether it shows, and keeps it mounted', async () => {
    const operations = createRawSnippet((active: () => boolean) => ({
      render: () => `<p>the operations screen${active() ? '' : ' (hidden)'}</p>`,
    }));
    render(Shell, { props: { workspaceName: 'W', portfolio, findings, operations } });
    expect(screen.queryByText(/the operations screen/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Operations/ }));
    expect(screen.getByText('the operations screen')).toBeTruthy();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    expect(screen.getByText('the operations screen').closest('[hidden]')).not.toBeNull();
  });

  it('focuses search on Ctrl+K, shows results, and Escape closes them', async () => {
    ipc.search.mockResolvedValue(BITLOCKER);
    show();
    const search = screen.getByRole('combobox', { name: 'Search everywhere' }) as HTMLInputElement;
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(search);

    await fireEvent.input(search, { target: { value: 'bitlocker' } });
    expect(await screen.findByRole('listbox', { name: 'Search results' })).toBeTruthy();
    expect(ipc.search).toHaveBeenCalledWith('bitlocker');

    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(search.value).toBe('');
    expect(document.activeElement).not.toBe(search);
  });

  it('opens a tenant picked in search over the portfolio, and a finding in Findings', async () => {
    ipc.search.mockResolvedValue(BITLOCKER);
    ipc.tenantOverview.mockReturnValue(new Promise(() => {}));
    ipc.tenantInventory.mockReturnValue(new Promise(() => {}));
    show();
    const search = screen.getByRole('combobox', { name: 'Search everywhere' }) as HTMLInputElement;
    search.focus();
    await fireEvent.input(search, { target: { value: 'bitlocker' } });
    await screen.findByRole('listbox', { name: 'Search results' });
    await fireEvent.keyDown(search, { key: 'Enter' });
    expect(screen.getByRole('heading', { level: 1, name: TENANT_HIT.tenant_name })).toBeTruthy();
    expect(ipc.tenantOverview).toHaveBeenCalledWith(TENANT_HIT.tenant_id);

    search.focus();
    await fireEvent.input(search, { target: { value: 'bitlocker ' } });
    await screen.findByRole('listbox', { name: 'Search results' });
    await fireEvent.click(screen.getAllByRole('option').at(-1)!);
    expect(screen.getByText('the findings screen')).toBeTruthy();
  });

  it('shows a workspace name from outside as text', () => {
    show('ws\u202eevil\n');
    expect(screen.getByTestId('workspace-name').textContent).toBe('ws\\u{202e}evil\\n');
  });
});
