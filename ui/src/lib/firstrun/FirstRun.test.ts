import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import FirstRun from './FirstRun.svelte';
import type { DemoProgress, WorkspaceStatus } from '../ipc-pending';
import { checkNewPassphrase } from './passphrase';
import { stepStates } from './demo';

vi.mock('../ipc-pending', () => ({
  workspaceStatus: vi.fn(),
  openWorkspace: vi.fn(),
  openDemo: vi.fn(),
}));
vi.mock('../ipc/commands', () => ({
  appInfo: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc-pending'));
const commands = vi.mocked(await import('../ipc/commands'));

const KEYCHAIN: WorkspaceStatus = {
  path: '/home/ana/.local/share/tenantatlas/workspace',
  exists: true,
  keySource: 'keychain',
  keychainAvailable: true,
  passphraseNeeded: false,
};
const NO_KEYCHAIN: WorkspaceStatus = {
  path: '/srv/atlas/new-workspace',
  exists: false,
  keySource: 'none',
  keychainAvailable: false,
  passphraseNeeded: true,
};

beforeEach(() => {
  vi.resetAllMocks();
  commands.appInfo.mockResolvedValue({ name: 'TenantAtlas', version: '9.8.7' });
});

afterEach(() => {
  cleanup();
});

function show() {
  const onopened = vi.fn();
  render(FirstRun, { props: { onopened } });
  return onopened;
}

describe('FirstRun', () => {
  it('says it is looking for the workspace while the status loads, and shows the version', async () => {
    ipc.workspaceStatus.mockReturnValue(new Promise(() => {}));
    show();
    expect(screen.getByText('Looking for your workspace…')).toBeTruthy();
    expect((await screen.findByTestId('app-version')).textContent?.trim()).toBe('Version 9.8.7');
    // The demo is always there, even before the status.
    expect(screen.getByRole('button', { name: 'Explore the demo portfolio' })).toBeTruthy();
  });

  it('opens the workspace whose key is in the keychain without asking anything', async () => {
    ipc.workspaceStatus.mockResolvedValue(KEYCHAIN);
    ipc.openWorkspace.mockResolvedValue(undefined);
    const onopened = show();
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
    expect(screen.getByTestId('workspace-path').textContent).toBe(KEYCHAIN.path);
    expect(screen.getByTestId('key-status').textContent).toContain('Kept in the OS keychain');
    expect(screen.queryByLabelText('Passphrase')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Open workspace' }));
    expect(ipc.openWorkspace).toHaveBeenCalledWith({ path: KEYCHAIN.path });
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('workspace'));
  });

  it('asks for a passphrase that meets the rule when there is no keychain', async () => {
    ipc.workspaceStatus.mockResolvedValue(NO_KEYCHAIN);
    ipc.openWorkspace.mockResolvedValue(undefined);
    const onopened = show();
    expect(await screen.findByRole('heading', { name: 'Create a workspace' })).toBeTruthy();
    expect(screen.getByText(/No workspace yet/)).toBeTruthy();
    expect(screen.getByTestId('key-status').textContent).toContain('No OS keychain on this computer');

    const field = screen.getByLabelText('Passphrase');
    const create = screen.getByRole('button', { name: 'Create workspace' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    await fireEvent.input(field, { target: { value: 'aaaaaaaaaaaaaaa' } });
    expect(create.disabled).toBe(true);
    expect(screen.getByText('At least 12 characters').classList.contains('met')).toBe(true);
    expect(screen.getByText('At least 6 of them different').classList.contains('met')).toBe(false);
    await fireEvent.input(field, { target: { value: 'correct horse battery' } });
    expect(create.disabled).toBe(false);

    await fireEvent.click(create);
    expect(ipc.openWorkspace).toHaveBeenCalledWith({ path: NO_KEYCHAIN.path, passphrase: 'correct horse battery' });
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('new-workspace'));
  });

  it('opens an existing passphrase workspace with any passphrase and shows why it failed', async () => {
    ipc.workspaceStatus.mockResolvedValue({ ...NO_KEYCHAIN, exists: true, keySource: 'passphrase' });
    ipc.openWorkspace.mockRejectedValue({ code: 'wrong_passphrase', message: 'the passphrase does not open this workspace; try again' });
    const onopened = show();
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'short' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Open workspace' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The passphrase does not open this workspace; try again');
    expect(onopened).not.toHaveBeenCalled();
  });

  it('shows why the status could not be read, and retries', async () => {
    ipc.workspaceStatus.mockRejectedValueOnce({ code: 'io', message: 'cannot read /srv/atlas: permission denied' });
    ipc.workspaceStatus.mockResolvedValueOnce(KEYCHAIN);
    show();
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot read /srv/atlas: permission denied');
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
  });

  it('walks through the demo portfolio steps and opens it', async () => {
    ipc.workspaceStatus.mockResolvedValue(KEYCHAIN);
    let report: (p: DemoProgress) => void = () => {};
    let done: () => void = () => {};
    ipc.openDemo.mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise<void>((resolve) => (done = resolve));
    });
    const onopened = show();
    await fireEvent.click(screen.getByRole('button', { name: 'Explore the demo portfolio' }));
    expect(screen.getByRole('heading', { name: 'Preparing the demo portfolio…' })).toBeTruthy();

    report({ step: 'cloud', done: 0, total: 0 });
    report({ step: 'connect', done: 3, total: 8 });
    const active = await screen.findByText('3/8');
    expect(active.closest('li')?.getAttribute('aria-current')).toBe('step');
    expect(active.closest('li')?.textContent).toContain('Connecting tenants');
    expect(screen.getByText('Starting the simulated cloud').closest('li')?.classList.contains('done')).toBe(true);
    expect(screen.getByText('Checking drift').closest('li')?.classList.contains('pending')).toBe(true);

    report({ step: 'drift', done: 0, total: 0 });
    done();
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('Demo portfolio'));
  });

  it('says why the demo could not start, and goes back', async () => {
    ipc.workspaceStatus.mockResolvedValue(KEYCHAIN);
    ipc.openDemo.mockRejectedValue({ code: 'io', message: 'the simulated cloud could not listen on 127.0.0.1; try again' });
    show();
    await fireEvent.click(screen.getByRole('button', { name: 'Explore the demo portfolio' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The simulated cloud could not listen on 127.0.0.1; try again');
    expect(screen.getByRole('heading', { name: 'The demo portfolio could not start' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
  });
});

describe('the rules behind the screen', () => {
  it('checks a new passphrase like the engine', () => {
    expect(checkNewPassphrase('correct horse').ok).toBe(true);
    expect(checkNewPassphrase('short').ok).toBe(false);
    expect(checkNewPassphrase('abababababababab').ok).toBe(false);
    expect(checkNewPassphrase('            ').ok).toBe(false);
    // Characters, not UTF-16 units: 12 emoji are 12 characters.
    expect(checkNewPassphrase('😀😁😂🤣😃😄😀😁😂🤣😃😄').ok).toBe(true);
    expect(checkNewPassphrase('😀😁😂🤣😃😄').longEnough).toBe(false);
  });

  it('marks steps done, active and pending from the progress', () => {
    expect(stepStates(null)).toEqual(['active', 'pending', 'pending', 'pending', 'pending']);
    expect(stepStates({ step: 'sync', done: 1, total: 8 })).toEqual(['done', 'done', 'active', 'pending', 'pending']);
    expect(stepStates({ step: 'done', done: 0, total: 0 })).toEqual(['done', 'done', 'done', 'done', 'done']);
  });
});
