import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Settings from './Settings.svelte';
import type { ScheduleStatus, SettingsView } from '../ipc/commands';
import { workspaceSettings } from './current.svelte';

vi.mock('../ipc/commands', () => ({
  getSettings: vi.fn(),
  setSetting: vi.fn(),
  addSeverityRule: vi.fn(),
  removeSeverityRule: vi.fn(),
  scheduleStatus: vi.fn(),
  chooseReportLogo: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const NOW = new Date('2026-12-05T12:00:00Z');

function view(over: Partial<SettingsView> = {}): SettingsView {
  return {
    workspace: { path: '/home/alex/.local/share/tenantatlas', protection: 'keychain', demo: false },
    keychain_available: true,
    sync_interval_minutes: 60,
    sla_warn_hours: 24,
    sla_overdue_hours: 72,
    tenant_defaults: { client_id: '', authority: '', graph: '' },
    built_in: {
      client_id: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
      authority: 'https://login.microsoftonline.com',
      graph: 'https://graph.microsoft.com',
    },
    notify_high_findings: true,
    severity_rules: [],
    report: { msp_name: '', logo: '', accent: '', footer: '', author: '', reviewer: '', distribution: '' },
    report_defaults: {
      msp_name: 'Managed service provider',
      logo: '',
      accent: '#1f4e79',
      footer: 'Confidential',
      author: '',
      reviewer: '',
      distribution: '',
    },
    ...over,
  };
}

const STATUS: ScheduleStatus = {
  interval_minutes: 60,
  next_at: '2026-12-05T12:42:00.000Z',
  running: false,
  last_started_at: null,
  last_finished_at: null,
  last_outcome: null,
};

beforeEach(() => {
  vi.resetAllMocks();
  ipc.scheduleStatus.mockResolvedValue(STATUS);
});

afterEach(() => {
  cleanup();
});

const show = (props: Record<string, unknown> = {}) => render(Settings, { props: { now: () => NOW, ...props } });

describe('Settings', () => {
  it('shows a loading line, then every section with the workspace facts', async () => {
    ipc.getSettings.mockResolvedValue(view());
    show();
    expect(screen.getByTestId('settings-loading')).toBeTruthy();
    for (const name of ['Workspace', 'Sync', 'Sync SLA', 'App registration for new tenants', 'Notifications', 'Severity rules']) {
      expect(await screen.findByRole('heading', { level: 2, name })).toBeTruthy();
    }
    expect(screen.getByText('/home/alex/.local/share/tenantatlas')).toBeTruthy();
    expect(screen.getByText('A random key in the OS keychain')).toBeTruthy();
    expect(screen.getByText('Answers on this machine')).toBeTruthy();
    expect((screen.getByLabelText('Client id') as HTMLInputElement).placeholder).toBe('14d82eec-204b-4c2f-b7e8-296a70dab67e');
    expect((screen.getByLabelText('Graph address') as HTMLInputElement).placeholder).toBe('https://graph.microsoft.com');
    expect((screen.getByLabelText('Sync every tenant while the app is open') as HTMLSelectElement).value).toBe('60');
    expect(await screen.findByText('Next sync in 42 min')).toBeTruthy();
    expect(screen.getByText(/No rules of your own/)).toBeTruthy();
  });

  it('saves the schedule when it changes', async () => {
    ipc.getSettings.mockResolvedValue(view());
    ipc.setSetting.mockResolvedValue(view({ sync_interval_minutes: 240 }));
    show();
    const select = (await screen.findByLabelText('Sync every tenant while the app is open')) as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: '240' } });
    expect(ipc.setSetting).toHaveBeenCalledWith('sync.interval_minutes', '240');
    expect(await screen.findByText('Saved')).toBeTruthy();
  });

  it('saves the SLA on blur, and the Portfolio follows it', async () => {
    ipc.getSettings.mockResolvedValue(view());
    ipc.setSetting.mockResolvedValue(view({ sla_warn_hours: 12 }));
    show();
    const warn = (await screen.findByLabelText('Late (amber) after, hours')) as HTMLInputElement;
    await fireEvent.input(warn, { target: { value: '12' } });
    await fireEvent.blur(warn);
    expect(ipc.setSetting).toHaveBeenCalledWith('sla.warn_hours', '12');
    await vi.waitFor(() => expect(workspaceSettings.sla).toEqual({ warnHours: 12, overdueHours: 72 }));
  });

  it('shows the engine refusal under the field and keeps what was typed, never undefined', async () => {
    ipc.getSettings.mockResolvedValue(view());
    ipc.setSetting.mockRejectedValue({
      code: 'invalid_input',
      message: 'sla.warn_hours takes 1 to 71 hours, fewer than sla.overdue_hours (72); raise sla.overdue_hours first',
    });
    show();
    const warn = (await screen.findByLabelText('Late (amber) after, hours')) as HTMLInputElement;
    await fireEvent.input(warn, { target: { value: '100' } });
    await fireEvent.keyDown(warn, { key: 'Enter' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Sla.warn_hours takes 1 to 71 hours');
    expect(alert.textContent).not.toContain('undefined');
    expect(warn.value).toBe('100');
    expect(warn.getAttribute('aria-invalid')).toBe('true');
  });

  it('saves the review packs\' branding, shows defaults as placeholders, and picks the logo in the file chooser', async () => {
    ipc.getSettings.mockResolvedValue(view());
    const named = view();
    named.report = { ...named.report, msp_name: 'Northwind IT' };
    ipc.setSetting.mockResolvedValue(named);
    show();
    const msp = (await screen.findByLabelText('Your company (MSP) name')) as HTMLInputElement;
    expect(msp.placeholder).toBe('Managed service provider');
    expect((screen.getByLabelText('Footer on every page') as HTMLInputElement).placeholder).toBe('Confidential');
    await fireEvent.input(msp, { target: { value: 'Northwind IT' } });
    await fireEvent.blur(msp);
    expect(ipc.setSetting).toHaveBeenCalledWith('report.msp_name', 'Northwind IT');
    await vi.waitFor(() => expect(msp.value).toBe('Northwind IT'));

    const withLogo = view();
    withLogo.report = { ...withLogo.report, logo: '/home/alex/Pictures/northwind.png' };
    ipc.chooseReportLogo.mockResolvedValueOnce(null).mockResolvedValueOnce(withLogo);
    await fireEvent.click(screen.getByRole('button', { name: 'Choose…' }));
    expect((screen.getByLabelText('Logo (PNG, up to 8 MiB)') as HTMLInputElement).value).toBe('');
    await fireEvent.click(screen.getByRole('button', { name: 'Choose…' }));
    await vi.waitFor(() =>
      expect((screen.getByLabelText('Logo (PNG, up to 8 MiB)') as HTMLInputElement).value).toBe('/home/alex/Pictures/northwind.png'),
    );
    expect(screen.getByRole('button', { name: 'Remove' })).toBeTruthy();
  });

  it('does not save a text field that did not change', async () => {
    ipc.getSettings.mockResolvedValue(view());
    show();
    const client = await screen.findByLabelText('Client id');
    await fireEvent.blur(client);
    expect(ipc.setSetting).not.toHaveBeenCalled();
  });

  it('saves the notification toggle', async () => {
    ipc.getSettings.mockResolvedValue(view());
    ipc.setSetting.mockResolvedValue(view({ notify_high_findings: false }));
    show();
    const toggle = await screen.findByRole('checkbox', { name: /new high-severity drift/ });
    await fireEvent.click(toggle);
    expect(ipc.setSetting).toHaveBeenCalledWith('notify.high_findings', 'false');
  });

  it('lists the severity rules and says when the schedule is off or running', async () => {
    ipc.getSettings.mockResolvedValue(
      view({
        sync_interval_minutes: 0,
        severity_rules: [
          { id: 3, kind: 'deviceConfigurations', drift: null, pattern: 'BitLocker', severity: 'high', note: 'audit', created_at: '2026-12-01T00:00:00Z' },
        ],
      }),
    );
    ipc.scheduleStatus.mockResolvedValue({ ...STATUS, interval_minutes: 0, next_at: null });
    show();
    const rule = await screen.findByTestId('severity-rule');
    expect(within(rule).getByText('BitLocker')).toBeTruthy();
    expect(within(rule).getByText('high')).toBeTruthy();
    expect(screen.getByText(/No scheduled sync/)).toBeTruthy();
  });

  it('shows a failed read with Retry, and hands back without a workspace', async () => {
    ipc.getSettings.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is damaged; restore it' });
    ipc.getSettings.mockResolvedValueOnce(view());
    show();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The workspace is damaged; restore it');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Workspace' })).toBeTruthy();

    cleanup();
    ipc.getSettings.mockRejectedValue({ code: 'no_workspace', message: 'no workspace is open' });
    const onnoworkspace = vi.fn();
    show({ onnoworkspace });
    await vi.waitFor(() => expect(onnoworkspace).toHaveBeenCalledOnce());
  });

  it('adds a severity rule, shows a refusal, and removes one', async () => {
    const RULE = { id: 4, kind: null, drift: 'deleted', pattern: null, severity: 'high', note: null, created_at: '2026-12-05T00:00:00Z' };
    ipc.getSettings.mockResolvedValue(view());
    ipc.addSeverityRule.mockRejectedValueOnce({
      code: 'invalid_input',
      message: 'a severity rule needs --kind, --drift or --match; one rule for all drift would hide the built-in table',
    });
    ipc.addSeverityRule.mockResolvedValueOnce(view({ severity_rules: [RULE] }));
    ipc.removeSeverityRule.mockResolvedValue(view());
    show();
    await fireEvent.click(await screen.findByRole('button', { name: 'Add rule' }));
    expect((await screen.findByRole('alert')).textContent).toContain('A severity rule needs --kind, --drift or --match');
    const form = screen.getByRole('form', { name: 'Add a severity rule' });
    await fireEvent.change(within(form).getByLabelText('Drift'), { target: { value: 'deleted' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(ipc.addSeverityRule).toHaveBeenLastCalledWith({ kind: null, drift: 'deleted', pattern: null, severity: 'high', note: null });
    expect(await screen.findByTestId('severity-rule')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove rule 4' }));
    expect(ipc.removeSeverityRule).toHaveBeenCalledWith(4);
    await vi.waitFor(() => expect(screen.queryByTestId('severity-rule')).toBeNull());
  });
});
