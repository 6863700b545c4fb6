import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Welcome from './Welcome.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

describe('Welcome', () => {
  it('shows the name and version that the app_info command returns', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'app_info') {
        return { name: 'TenantAtlas', version: '9.8.7' };
      }
      throw new Error(`unexpected command ${cmd}`);
    });

    render(Welcome);

    expect(await screen.findByText('Version 9.8.7')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('TenantAtlas');
    expect(screen.getByText('Governance workbench for Microsoft 365 tenants')).toBeTruthy();
    expect(
      screen.getByText('No workspace yet — tenants you connect will appear here'),
    ).toBeTruthy();
    expect(calls).toEqual(['app_info']);
  });

  it('still renders the welcome screen when app_info fails', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    mockIPC(() => {
      throw new Error('ipc down');
    });

    render(Welcome);

    expect(await screen.findByText('Version unavailable')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('TenantAtlas');
    expect(logged).toHaveBeenCalledOnce();
  });
});
