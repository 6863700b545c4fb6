import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import FirstRun from './FirstRun.svelte';
import type { DemoProgress, OpenWorkspace, WorkspaceStatus } from '../ipc/commands';
import { checkNewPassphrase } from './passphrase';
import { advance, DEMO_START, stepStates, type DemoState } from './demo';

vi.mock('../ipc/commands', () => ({
  appInfo: vi.fn(),
  workspaceStatus: vi.fn(),
  openWorkspace: vi.fn(),
  openDemo: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const KEYCHAIN: WorkspaceStatus = {
  default_path: '/home/ana/.local/share/tenantatlas/workspace',
  default_exists: true,
  default_protection: 'keychain',
  keychain_available: true,
  passphrase_needed: false,
  open: null,
  demo_requested: false,
};
const NO_KEYCHAIN: WorkspaceStatus = {
  default_path: '/srv/atlas/new-workspace',
  default_exists: false,
  default_protection: null,
  keychain_available: false,
  passphrase_needed: true,
  open: null,
  demo_requested: false,
};
const opened = (path: string, demo = false): OpenWorkspace => ({
  path,
  protection: demo ? 'keychain' : 'passphrase',
  demo,
});

beforeEach(() => {
  vi.resetAllMocks();
  ipc.appInfo.mockResolvedValue({ name: 'TenantAtlas', version: '9.8.7' });
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
    ipc.openWorkspace.mockResolvedValue(opened(KEYCHAIN.default_path));
    const onopened = show();
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
    expect(screen.getByTestId('workspace-path').textContent).toBe(KEYCHAIN.default_path);
    expect(screen.getByTestId('key-status').textContent).toContain('Kept in the OS keychain');
    expect(screen.queryByLabelText('Passphrase')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Open workspace' }));
    expect(ipc.openWorkspace).toHaveBeenCalledWith({ path: KEYCHAIN.default_path });
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('workspace'));
  });

  it('asks for a passphrase that meets the rule when there is no keychain', async () => {
    ipc.workspaceStatus.mockResolvedValue(NO_KEYCHAIN);
    ipc.openWorkspace.mockResolvedValue(opened(NO_KEYCHAIN.default_path));
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
    expect(ipc.openWorkspace).toHaveBeenCalledWith({
      path: NO_KEYCHAIN.default_path,
      passphrase: 'correct horse battery',
    });
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('new-workspace'));
  });

  it('opens an existing passphrase workspace with any passphrase and shows why it failed', async () => {
    ipc.workspaceStatus.mockResolvedValue({ ...NO_KEYCHAIN, default_exists: true, default_protection: 'passphrase' });
    ipc.openWorkspace.mockRejectedValue({
      code: 'workspace',
      message: 'the passphrase does not open this workspace; try again',
    });
    const onopened = show();
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
    expect(screen.getByTestId('key-status').textContent).toContain('Derived from a passphrase');
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'short' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Open workspace' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The passphrase does not open this workspace; try again');
    expect(onopened).not.toHaveBeenCalled();
  });

  it('shows why the status could not be read, and retries', async () => {
    ipc.workspaceStatus.mockRejectedValueOnce({ code: 'workspace', message: 'cannot read /srv/atlas: permission denied' });
    ipc.workspaceStatus.mockResolvedValueOnce(KEYCHAIN);
    show();
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot read /srv/atlas: permission denied');
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Open your workspace' })).toBeTruthy();
  });

  it('walks through the demo portfolio steps and opens it', async () => {
    ipc.workspaceStatus.mockResolvedValue(KEYCHAIN);
    let report: (p: DemoProgress) => void = () => {};
    let done: (w: OpenWorkspace) => void = () => {};
    ipc.openDemo.mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise<OpenWorkspace>((resolve) => (done = resolve));
    });
    const onopened = show();
    await fireEvent.click(screen.getByRole('button', { name: 'Explore the demo portfolio' }));
    expect(screen.getByRole('heading', { name: 'Preparing the demo portfolio…' })).toBeTruthy();

    report({ step: 'cloud_started', tenants: 8 });
    report({ step: 'tenant_connected', name: 'Contoso', domain: 'contoso.example', sign_in: 'device_code', done: 3, total: 8 });
    const active = await screen.findByText('3/8');
    expect(active.closest('li')?.getAttribute('aria-current')).toBe('step');
    expect(active.closest('li')?.textContent).toContain('Connecting tenants');
    expect(screen.getByText('Starting the simulated cloud').closest('li')?.classList.contains('done')).toBe(true);
    expect(screen.getByText('Checking drift').closest('li')?.classList.contains('pending')).toBe(true);

    report({ step: 'drift_checked', tenants: 8, findings: 31 });
    expect(await screen.findByText('Checking drift')).toBeTruthy();
    done(opened('/tmp/tenantatlas-demo-1', true));
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('Demo portfolio'));
  });

  it('opens the demo at once when the app was started for it', async () => {
    ipc.workspaceStatus.mockResolvedValue({ ...KEYCHAIN, demo_requested: true });
    ipc.openDemo.mockReturnValue(new Promise<OpenWorkspace>(() => {}));
    show();
    expect(await screen.findByRole('heading', { name: 'Preparing the demo portfolio…' })).toBeTruthy();
    expect(ipc.openDemo).toHaveBeenCalledTimes(1);
  });

  it('says why the demo could not start, and goes back', async () => {
    ipc.workspaceStatus.mockResolvedValue(KEYCHAIN);
    ipc.openDemo.mockRejectedValue({
      code: 'internal',
      message: 'the simulated cloud could not listen on 127.0.0.1; try again',
    });
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

  it('moves the demo steps on as the events say what finished', () => {
    const run = (events: DemoProgress[]): DemoState => events.reduce(advance, DEMO_START);
    const finished = (tenant_id: string): DemoProgress => ({
      step: 'sync',
      progress: { event: 'finished', tenant_id, status: 'succeeded' },
    });
    expect(stepStates(DEMO_START)).toEqual(['active', 'pending', 'pending', 'pending', 'pending']);
    expect(run([{ step: 'cloud_started', tenants: 2 }])).toEqual({ at: 1, done: 0, total: 2 });
    const syncing = run([{ step: 'cloud_started', tenants: 2 }, { step: 'syncing', tenants: 2 }, finished('a')]);
    expect(syncing).toEqual({ at: 2, done: 1, total: 2 });
    expect(stepStates(syncing)).toEqual(['done', 'done', 'active', 'pending', 'pending']);
    // Only finished syncs count; the last one hands over to the baseline.
    const kind: DemoProgress = { step: 'sync', progress: { event: 'kind_read', tenant_id: 'b', kind: 'x', objects: 3 } };
    expect(advance(syncing, kind)).toEqual(syncing);
    expect(advance(syncing, finished('b'))).toEqual({ at: 3, done: 0, total: 0 });
    expect(stepStates(run([{ step: 'drift_checked', tenants: 2, findings: 4 }]))).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
    ]);
  });

  it('goes straight to a workspace that is already open', async () => {
    ipc.workspaceStatus.mockResolvedValue({ ...KEYCHAIN, open: opened('/tmp/tenantatlas-demo-7', true) });
    const onopened = show();
    await vi.waitFor(() => expect(onopened).toHaveBeenCalledWith('Demo portfolio'));
  });
});
