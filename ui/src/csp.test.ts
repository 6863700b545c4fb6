// The window's CSP (src-tauri/tauri.conf.json) has `style-src 'self'` with no 'unsafe-inline':
// a `style="…"` attribute or a Svelte `style:` directive would be refused at run time, silently
// breaking the look. These tests keep them out of the markup and out of the rendered DOM.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from './App.svelte';
import { ROWS } from './lib/portfolio/fixtures';

vi.mock('./lib/ipc-pending', () => ({
  workspaceStatus: vi.fn(),
  openWorkspace: vi.fn(),
  openDemo: vi.fn(),
  portfolio: vi.fn(),
  syncAll: vi.fn(),
  cancelSync: vi.fn(),
}));
vi.mock('./lib/ipc/commands', () => ({ appInfo: vi.fn() }));
const ipc = vi.mocked(await import('./lib/ipc-pending'));
const commands = vi.mocked(await import('./lib/ipc/commands'));

afterEach(() => {
  cleanup();
});

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return svelteFiles(path);
    return entry.name.endsWith('.svelte') ? [path] : [];
  });
}

describe('strict CSP', () => {
  it('no component sets an inline style in its markup', () => {
    const offenders: string[] = [];
    for (const file of svelteFiles(join(import.meta.dirname, '.'))) {
      // The <style> block compiles to a CSS file, which the CSP allows; only the markup counts.
      const markup = readFileSync(file, 'utf8').replace(/<style[\s\S]*?<\/style>/g, '');
      if (/\sstyle\s*=|\sstyle:[a-z-]+/i.test(markup)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('no element in the rendered window carries a style attribute', async () => {
    commands.appInfo.mockResolvedValue({ name: 'TenantAtlas', version: '1.0.0' });
    ipc.workspaceStatus.mockResolvedValue({
      default_path: '/home/ana/atlas',
      default_exists: false,
      default_protection: null,
      keychain_available: false,
      passphrase_needed: true,
      open: null,
    });
    let report: Parameters<typeof ipc.openDemo>[0] = () => {};
    let opened: () => void = () => {};
    ipc.openDemo.mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise((resolve) => (opened = () => resolve({ path: '/tmp/demo', protection: 'keychain', demo: true })));
    });
    ipc.portfolio.mockResolvedValue(ROWS);
    ipc.syncAll.mockReturnValue(new Promise(() => {}));
    const { container } = render(App);
    const styled = () => container.querySelectorAll('[style]').length;

    await screen.findByRole('heading', { name: 'Create a workspace' });
    expect(styled()).toBe(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Explore the demo portfolio' }));
    report({ step: 'tenant_connected', name: 'A', domain: 'a', sign_in: 'browser', done: 1, total: 3 });
    await screen.findByText('1/3');
    expect(styled()).toBe(0);

    opened();
    await screen.findAllByTestId('tenant-row');
    await fireEvent.click(screen.getByRole('button', { name: 'Sync all' }));
    expect(screen.getAllByTestId('sync-row')).toHaveLength(3);
    expect(styled()).toBe(0);
  });
});
