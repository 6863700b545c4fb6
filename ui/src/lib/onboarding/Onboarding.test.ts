import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Onboarding from './Onboarding.svelte';
import { rowStart, validTenant, type Start } from './wizard';
import type { ConnectedTenant, SignInStep, SyncOutcome, SyncProgress } from '../ipc/commands';

vi.mock('../ipc/commands', () => ({
  connectTenant: vi.fn(),
  reconnectTenant: vi.fn(),
  cancelSignIn: vi.fn(),
  openSignInPage: vi.fn(),
  syncTenant: vi.fn(),
  cancelSync: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
  ipc.cancelSignIn.mockResolvedValue();
  ipc.cancelSync.mockResolvedValue();
  ipc.openSignInPage.mockResolvedValue();
});

afterEach(() => {
  cleanup();
});

const CONNECTED: ConnectedTenant = {
  id: '11111111-2222-3333-4444-555555555555',
  domain: 'contoso.onmicrosoft.com',
  name: 'Contoso Ltd',
  username: 'admin@contoso.onmicrosoft.com',
  missing: [{ permission: 'Policy.Read.All', kinds: ['Conditional Access policy', 'Named location'] }],
  sign_in_lapses_at: '2027-03-05T10:00:00Z',
};

const OUTCOME: SyncOutcome = {
  tenant_id: CONNECTED.id,
  name: 'Contoso Ltd',
  status: 'partial',
  objects: 42,
  versions_added: 42,
  skipped: ['conditionalAccessPolicies: needs one of Policy.Read.All'],
  errors: [],
  duration_ms: 900,
};

/** A promise the test settles when it wants, and the prompt callback the wizard passed. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const show = (start: Start = { mode: 'connect' }, onclose = vi.fn()) => {
  render(Onboarding, { props: { start, onclose } });
  return onclose;
};

const signInButton = () => screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement;

describe('the onboarding wizard', () => {
  it('accepts a domain or a tenant id, nothing else', async () => {
    show();
    const field = screen.getByLabelText('Tenant');
    expect(document.activeElement).toBe(field);
    expect(signInButton().disabled).toBe(true);
    for (const bad of ['contoso', 'https://contoso.com', 'a b.com', 'contoso.onmicrosoft.com/x']) {
      await fireEvent.input(field, { target: { value: bad } });
      expect(signInButton().disabled, bad).toBe(true);
    }
    await fireEvent.input(field, { target: { value: ' contoso.onmicrosoft.com ' } });
    expect(signInButton().disabled).toBe(false);
    expect(validTenant(CONNECTED.id)).toBe(true);
  });

  it('walks a device-code sign-in through the permission check and first sync to done', async () => {
    const signIn = pending<ConnectedTenant>();
    let prompt: ((s: SignInStep) => void) | undefined;
    ipc.connectTenant.mockImplementation((_request, onPrompt) => {
      prompt = onPrompt;
      return signIn.promise;
    });
    const sync = pending<SyncOutcome>();
    let progress: ((p: SyncProgress) => void) | undefined;
    ipc.syncTenant.mockImplementation((_tenant, onProgress) => {
      progress = onProgress;
      return sync.promise;
    });
    const onclose = show();

    await fireEvent.input(screen.getByLabelText('Tenant'), { target: { value: 'contoso.onmicrosoft.com' } });
    await fireEvent.click(signInButton());
    expect(ipc.connectTenant).toHaveBeenCalledWith(
      { tenant: 'contoso.onmicrosoft.com', browser: false, client_id: null, authority: null, graph: null, ca_cert_path: null },
      expect.any(Function),
    );
    expect(await screen.findByText('Contacting the sign-in service…')).toBeTruthy();

    prompt?.({ flow: 'device_code', user_code: 'GHJK7MNP', verification_uri: 'https://microsoft.com/devicelogin' });
    expect((await screen.findByTestId('device-code')).textContent).toBe('GHJK7MNP');
    expect(screen.getByText('https://microsoft.com/devicelogin')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Open sign-in page' }));
    expect(ipc.openSignInPage).toHaveBeenCalledOnce();

    signIn.resolve(CONNECTED);
    expect(await screen.findByText('Policy.Read.All')).toBeTruthy();
    expect(screen.getByText(/without it: Conditional Access policy, Named location/)).toBeTruthy();
    expect(screen.getByText(/The consent lacks a permission/)).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Start the first sync' }));
    expect(ipc.syncTenant).toHaveBeenCalledWith(CONNECTED.id, expect.any(Function));
    progress?.({ event: 'started', tenant_id: CONNECTED.id, name: 'Contoso Ltd', steps: 4 });
    progress?.({ event: 'kind_read', tenant_id: CONNECTED.id, kind: 'deviceConfigurations', objects: 12 });
    expect(await screen.findByText('1/4 kinds, 12 objects')).toBeTruthy();
    expect((screen.getByLabelText('First sync progress') as HTMLProgressElement).value).toBe(1);

    sync.resolve(OUTCOME);
    expect(await screen.findByText(/Contoso Ltd is connected: 42 objects captured, some kinds skipped/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Back to the portfolio' }));
    expect(onclose).toHaveBeenCalledWith(true);
  });

  it('shows the browser sign-in address, and says when it could not open a browser', async () => {
    let prompt: ((s: SignInStep) => void) | undefined;
    ipc.connectTenant.mockImplementation((_request, onPrompt) => {
      prompt = onPrompt;
      return new Promise(() => {});
    });
    show();
    await fireEvent.input(screen.getByLabelText('Tenant'), { target: { value: CONNECTED.id } });
    await fireEvent.click(screen.getByLabelText(/The browser on this computer/));
    await fireEvent.click(screen.getByRole('button', { name: /App registration and cloud/ }));
    await fireEvent.input(screen.getByLabelText('Client id of your app registration'), {
      target: { value: ' 9a1b2c3d-0000-4000-8000-000000000001 ' },
    });
    await fireEvent.click(signInButton());
    expect(ipc.connectTenant.mock.calls[0][0]).toMatchObject({
      tenant: CONNECTED.id,
      browser: true,
      client_id: '9a1b2c3d-0000-4000-8000-000000000001',
    });
    prompt?.({ flow: 'browser', url: 'https://login.microsoftonline.com/x/oauth2/v2.0/authorize?a=b', opened: false });
    expect(await screen.findByText('Open this address in a browser on this computer:')).toBeTruthy();
    expect(screen.getByTestId('sign-in-url').textContent).toContain('https://login.microsoftonline.com/x/');
  });

  it('goes back to the tenant step when the sign-in is cancelled, and shows a failure as its message', async () => {
    const signIn = pending<ConnectedTenant>();
    ipc.connectTenant.mockReturnValueOnce(signIn.promise);
    show();
    await fireEvent.input(screen.getByLabelText('Tenant'), { target: { value: 'contoso.onmicrosoft.com' } });
    await fireEvent.click(signInButton());
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(ipc.cancelSignIn).toHaveBeenCalledOnce();
    signIn.reject({ code: 'cancelled', message: 'the sign-in was cancelled' });
    expect(await screen.findByLabelText('Tenant')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    ipc.connectTenant.mockRejectedValueOnce({
      code: 'auth',
      message: 'AADSTS65001: the app has no admin consent in contoso.onmicrosoft.com; grant it in Entra',
    });
    await fireEvent.click(signInButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('AADSTS65001');
    expect(alert.textContent).not.toContain('undefined');
    expect((screen.getByLabelText('Tenant') as HTMLInputElement).value).toBe('contoso.onmicrosoft.com');
  });

  it('reconnects a tenant starting at the sign-in, and ends without a sync', async () => {
    ipc.reconnectTenant.mockResolvedValue({ ...CONNECTED, missing: [] });
    const onclose = show({ mode: 'reconnect', id: CONNECTED.id, name: 'Contoso Ltd' });
    expect(screen.getByRole('heading', { name: 'Reconnect Contoso Ltd' })).toBeTruthy();
    expect(ipc.reconnectTenant).toHaveBeenCalledWith(CONNECTED.id, expect.any(Function));
    expect(await screen.findByText(/The consent covers everything/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByText(/Contoso Ltd is connected again/)).toBeTruthy();
    expect(ipc.syncTenant).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Back to the portfolio' }));
    expect(onclose).toHaveBeenCalledWith(true);
  });

  it('resumes a half-finished onboarding at its first sync, and offers to try again when it fails', async () => {
    ipc.syncTenant.mockRejectedValueOnce({ code: 'graph', message: 'Graph answered 503 three times; try again later' });
    ipc.syncTenant.mockResolvedValueOnce({ ...OUTCOME, status: 'succeeded', skipped: [] });
    const onclose = show({ mode: 'resume', id: CONNECTED.id, name: 'Contoso Ltd' });
    expect((await screen.findByRole('alert')).textContent).toContain('Graph answered 503');
    expect(screen.getByText(/stopped/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/Contoso Ltd is connected: 42 objects captured\./)).toBeTruthy();
    expect(ipc.syncTenant).toHaveBeenCalledTimes(2);
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledWith(true);
  });

  it('Escape cancels a running first sync rather than closing', async () => {
    ipc.syncTenant.mockReturnValue(new Promise(() => {}));
    const onclose = show({ mode: 'resume', id: CONNECTED.id, name: 'Contoso Ltd' });
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(ipc.cancelSync).toHaveBeenCalledOnce();
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeTruthy();
  });
});

describe('rowStart', () => {
  const base = { id: 't', name: 'T', state: 'active', needs_reconnect: false, last_good_sync: '2026-12-01T00:00:00Z' };
  it('opens Reconnect for a lapsed sign-in and resumes an onboarding never synced', () => {
    expect(rowStart(base)).toBeNull();
    expect(rowStart({ ...base, needs_reconnect: true })).toEqual({ mode: 'reconnect', id: 't', name: 'T' });
    expect(rowStart({ ...base, state: 'onboarding', last_good_sync: null })).toEqual({ mode: 'resume', id: 't', name: 'T' });
  });
});
