// The window end to end through the real wrappers of lib/ipc/commands.ts, with Tauri's IPC mocked
// at `invoke` (the other tests mock the wrappers): command names, argument shapes, progress over
// a Channel and errors as `{code, message}` are what src-tauri sees and sends.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Channel } from '@tauri-apps/api/core';
import App from './App.svelte';
import type { DemoProgress, WorkspaceStatus } from './lib/ipc/commands';
import { ROWS } from './lib/portfolio/fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
});

/** Sends `messages` down a Channel the way the Rust side does. */
function send<T>(channel: Channel<T>, messages: T[]) {
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  messages.forEach((message, index) => internals.runCallback(channel.id, { index, message }));
}

const STATUS: WorkspaceStatus = {
  default_path: '/home/ana/.local/share/tenantatlas',
  default_exists: true,
  default_protection: 'passphrase',
  keychain_available: false,
  passphrase_needed: true,
  open: null,
  demo_requested: false,
};

describe('the window over mocked IPC', () => {
  it('opens a passphrase workspace, then shows why the portfolio failed', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      switch (cmd) {
        case 'app_info':
          return { name: 'TenantAtlas', version: '0.1.0' };
        case 'workspace_status':
          return STATUS;
        case 'open_workspace':
          return { path: STATUS.default_path, protection: 'passphrase', demo: false };
        case 'portfolio':
        case 'get_settings':
        case 'schedule_status':
          throw { code: 'workspace', message: 'the workspace is damaged; restore it from a backup' };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(App);

    await fireEvent.input(await screen.findByLabelText('Passphrase'), { target: { value: 'my passphrase' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Open workspace' }));

    expect((await screen.findByRole('alert')).textContent).toContain('The workspace is damaged; restore it from a backup');
    expect(screen.getByTestId('workspace-name').textContent).toBe('tenantatlas');
    expect(calls).toContainEqual(['open_workspace', { path: STATUS.default_path, passphrase: 'my passphrase' }]);
    // The Portfolio also reads the SLA and the schedule; their failures leave it to the portfolio's alert.
    expect([...new Set(calls.map(([cmd]) => cmd))].sort()).toEqual([
      'app_info',
      'get_settings',
      'open_workspace',
      'portfolio',
      'schedule_status',
      'workspace_status',
    ]);
  });

  it('runs the demo with its progress over a channel into the portfolio', async () => {
    let finish: () => void = () => {};
    mockIPC((cmd, args) => {
      switch (cmd) {
        case 'app_info':
          return { name: 'TenantAtlas', version: '0.1.0' };
        case 'workspace_status':
          return { ...STATUS, default_exists: false, default_protection: null };
        case 'open_demo': {
          const progress = (args as { progress: Channel<DemoProgress> }).progress;
          send(progress, [
            { step: 'cloud_started', tenants: 3 },
            { step: 'tenant_connected', name: 'Contoso', domain: 'contoso.example', sign_in: 'browser', done: 1, total: 3 },
          ]);
          return new Promise((resolve) => (finish = () => resolve({ path: '/tmp/demo', protection: 'keychain', demo: true })));
        }
        case 'portfolio':
          return ROWS;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(App);

    await fireEvent.click(await screen.findByRole('button', { name: 'Explore the demo portfolio' }));
    expect((await screen.findByText('1/3')).closest('li')?.textContent).toContain('Connecting tenants');
    finish();
    const rows = await screen.findAllByTestId('tenant-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('Reconnect')).toBeTruthy();
    expect(screen.getByTestId('workspace-name').textContent).toBe('Demo portfolio');
  });
});
