import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from './App.svelte';
import { ROWS } from './lib/portfolio/fixtures';

vi.mock('./lib/ipc/commands', () => ({
  appInfo: vi.fn(),
  workspaceStatus: vi.fn(),
  openWorkspace: vi.fn(),
  openDemo: vi.fn(),
  portfolio: vi.fn(),
  syncAll: vi.fn(),
  cancelSync: vi.fn(),
}));
const ipc = vi.mocked(await import('./lib/ipc/commands'));

afterEach(() => {
  cleanup();
});

describe('App', () => {
  it('starts on the first-run screen and opens the demo portfolio into the shell', async () => {
    ipc.appInfo.mockResolvedValue({ name: 'TenantAtlas', version: '1.0.0' });
    ipc.workspaceStatus.mockResolvedValue({
      default_path: '/home/ana/atlas',
      default_exists: false,
      default_protection: null,
      keychain_available: true,
      passphrase_needed: false,
      open: null,
      demo_requested: false,
    });
    ipc.openDemo.mockResolvedValue({ path: '/tmp/demo', protection: 'keychain', demo: true });
    ipc.portfolio.mockResolvedValue(ROWS);
    render(App);

    expect(await screen.findByRole('heading', { name: 'Create a workspace' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Explore the demo portfolio' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Portfolio' })).toBeTruthy();
    expect(screen.getByTestId('workspace-name').textContent).toBe('Demo portfolio');
    expect(await screen.findAllByTestId('tenant-row')).toHaveLength(3);
  });
});
