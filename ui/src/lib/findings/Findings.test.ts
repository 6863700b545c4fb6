import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import Findings from './Findings.svelte';
import type { FindingAuditEntry, FindingRow } from '../ipc/commands';
import { FINDINGS, NOW, finding } from './fixtures';

vi.mock('../ipc/commands', () => ({
  listFindings: vi.fn(),
  findingAudit: vi.fn(),
  triageFindings: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

const TRAIL: FindingAuditEntry[] = [
  {
    seq: 4,
    at: '2026-12-01T08:00:00Z',
    actor: 'ana',
    action: 'finding.open',
    from_state: 'resolved',
    to_state: 'open',
    why: 'drift detected',
    approver: null,
    expires: null,
  },
  {
    seq: 9,
    at: '2026-12-02T10:15:00Z',
    actor: 'ben (as admin@contoso.com)',
    action: 'finding.acknowledged',
    from_state: 'open',
    to_state: 'acknowledged',
    why: 'acknowledged by hand',
    approver: null,
    expires: null,
  },
];

beforeEach(() => {
  vi.resetAllMocks();
  ipc.findingAudit.mockResolvedValue(TRAIL);
});

afterEach(() => {
  cleanup();
});

const show = (props: Record<string, unknown> = {}) => render(Findings, { props: { now: () => NOW, ...props } });
const objects = () => screen.getAllByTestId('finding-row').map((tr) => tr.querySelector('.object')?.textContent?.trim());
const row = (object: string) => screen.getAllByTestId('finding-row').find((tr) => tr.textContent?.includes(object))!;
const detail = () => screen.getByTestId('finding-detail');
const updated = (f: FindingRow, state: string): FindingRow => ({ ...f, state });

async function ready(rows = FINDINGS) {
  ipc.listFindings.mockResolvedValue(rows);
  const view = show();
  await screen.findAllByTestId('finding-row');
  return view;
}

describe('Findings', () => {
  it('shows a skeleton while the findings load', () => {
    ipc.listFindings.mockReturnValue(new Promise(() => {}));
    show();
    expect(screen.getByTestId('findings-loading').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading findings…')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows why loading failed, never "undefined", and loads again on Retry', async () => {
    ipc.listFindings.mockRejectedValueOnce({ code: 'workspace', message: 'the workspace is damaged; restore it from a backup' });
    ipc.listFindings.mockRejectedValueOnce({});
    ipc.listFindings.mockResolvedValueOnce(FINDINGS);
    show();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The workspace is damaged; restore it from a backup');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    const again = await screen.findByRole('alert');
    expect(again.textContent).toContain('Something went wrong inside TenantAtlas');
    expect(again.textContent).not.toContain('undefined');
    await fireEvent.click(within(again).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('finding-row')).toHaveLength(3);
  });

  it('hands back to the first-run screen when no workspace is open', async () => {
    ipc.listFindings.mockRejectedValue({ code: 'no_workspace', message: 'no workspace is open' });
    const onnoworkspace = vi.fn();
    show({ onnoworkspace });
    await vi.waitFor(() => expect(onnoworkspace).toHaveBeenCalledOnce());
  });

  it('says how findings come about when there is none', async () => {
    ipc.listFindings.mockResolvedValue([]);
    show();
    expect(await screen.findByText('No findings — nothing has drifted')).toBeTruthy();
    expect(screen.getByText('tenantatlas drift')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('lists the standing findings most severe first, the first one open in the pane with its trail', async () => {
    await ready();
    expect(objects()).toEqual(['Win - BitLocker', 'Win - Firewall', 'iOS - Compliance']);
    expect(screen.getByTestId('findings-count').textContent?.trim()).toBe('3 of 5 findings');
    const firewall = row('Win - Firewall');
    expect(within(firewall).getByText('Fabrikam')).toBeTruthy();
    expect(within(firewall).getByText('Medium')).toBeTruthy();
    expect(within(firewall).getByText('Acknowledged')).toBeTruthy();
    expect(within(firewall).getByText('65 d')).toBeTruthy();
    expect(within(firewall).getByText('Enable Domain Network Firewall: True → False (+1 more)')).toBeTruthy();
    expect(within(firewall).getByText('Settings catalog policy')).toBeTruthy();
    expect(within(row('iOS - Compliance')).getByText('In the baseline, missing from the tenant')).toBeTruthy();

    expect(row('Win - BitLocker').getAttribute('aria-selected')).toBe('true');
    const pane = detail();
    expect(within(pane).getByRole('heading', { name: 'Win - BitLocker' })).toBeTruthy();
    expect(within(pane).getByText('Require Device Encryption: Enabled → Disabled')).toBeTruthy();
    expect(within(pane).getByText('Enabled')).toBeTruthy();
    expect(within(pane).getByText('"device_vendor_msft_bitlocker_requiredeviceencryption_1"')).toBeTruthy();
    expect(within(pane).getByText('"device_vendor_msft_bitlocker_requiredeviceencryption_0"')).toBeTruthy();
    const trail = await within(pane).findAllByRole('listitem');
    const steps = trail.filter((li) => li.closest('.trail')).map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(steps[0]).toContain('Resolved → Open');
    expect(steps[0]).toContain('drift detected');
    expect(steps[1]).toContain('ben (as admin@contoso.com)');
    expect(ipc.findingAudit).toHaveBeenCalledWith('f-bitlocker');

    await fireEvent.click(row('iOS - Compliance'));
    expect(within(detail()).getByRole('heading', { name: 'iOS - Compliance' })).toBeTruthy();
    expect(ipc.findingAudit).toHaveBeenLastCalledWith('f-compliance');
  });

  it('filters by state, severity, tenant and text, and sorts by age', async () => {
    await ready();
    await fireEvent.change(screen.getByLabelText('State'), { target: { value: 'all' } });
    expect(objects()).toHaveLength(5);
    await fireEvent.change(screen.getByLabelText('Severity'), { target: { value: 'high' } });
    expect(objects()).toEqual(['Win - BitLocker', 'Win - Defender']);
    await fireEvent.change(screen.getByLabelText('Tenant'), { target: { value: 't3' } });
    expect(objects()).toEqual(['Win - Defender']);
    expect(screen.getByTestId('findings-count').textContent?.trim()).toBe('1 of 5 findings');
    await fireEvent.click(screen.getByRole('button', { name: 'Reset filters' }));
    expect(objects()).toHaveLength(3);

    await fireEvent.input(screen.getByLabelText('Filter findings by text'), { target: { value: 'private network' } });
    expect(objects()).toEqual(['Win - Firewall']);
    await fireEvent.input(screen.getByLabelText('Filter findings by text'), { target: { value: 'nothing like it' } });
    const none = screen.getByText('No finding matches these filters.').parentElement!;
    await fireEvent.click(within(none).getByRole('button', { name: 'Reset filters' }));

    const age = screen.getByRole('button', { name: /^Age/ });
    await fireEvent.click(age);
    expect(objects()).toEqual(['Win - Firewall', 'Win - BitLocker', 'iOS - Compliance']);
    expect(age.closest('th')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('acknowledges the selected finding and shows its new state and trail', async () => {
    await ready();
    ipc.triageFindings.mockResolvedValue({ changed: [updated(FINDINGS[0], 'acknowledged')], refused: [] });
    await fireEvent.click(within(detail()).getByRole('button', { name: /^Acknowledge/ }));
    expect(ipc.triageFindings).toHaveBeenCalledWith(['f-bitlocker'], { action: 'acknowledge' });
    expect(await screen.findByText('Acknowledged 1 finding.')).toBeTruthy();
    expect(within(row('Win - BitLocker')).getByText('Acknowledged')).toBeTruthy();
    expect((within(detail()).getByRole('button', { name: /^Acknowledge/ }) as HTMLButtonElement).disabled).toBe(true);
    await vi.waitFor(() => expect(ipc.findingAudit).toHaveBeenCalledTimes(2));
  });

  it('resolves the checked rows in bulk and says which were refused', async () => {
    await ready();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Check Win - BitLocker' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Check iOS - Compliance' }));
    expect(screen.getByText('2 checked')).toBeTruthy();
    ipc.triageFindings.mockResolvedValue({
      changed: [updated(FINDINGS[0], 'resolved')],
      refused: [{ id: 'f-compliance', message: 'finding f-compliance is already resolved' }],
    });
    await fireEvent.click(within(screen.getByRole('toolbar', { name: 'Checked findings' })).getByRole('button', { name: 'Resolve' }));
    expect(ipc.triageFindings).toHaveBeenCalledWith(['f-bitlocker', 'f-compliance'], { action: 'resolve' });
    expect(
      await screen.findByText('Resolved 1 finding. Not changed: finding f-compliance is already resolved.'),
    ).toBeTruthy();
    // Resolved findings leave the default view; the refused one stays checked.
    expect(objects()).toEqual(['Win - Firewall', 'iOS - Compliance']);
    expect(screen.getByText('1 checked')).toBeTruthy();
  });

  it('shows a failed decision as its message', async () => {
    await ready();
    ipc.triageFindings.mockRejectedValue({ code: 'workspace', message: 'the workspace is held by another TenantAtlas' });
    await fireEvent.click(within(detail()).getByRole('button', { name: /^Resolve/ }));
    expect((await screen.findByRole('alert')).textContent).toBe('The workspace is held by another TenantAtlas');
  });

  it('asks for a justification, an approver and a future date before accepting a risk', async () => {
    await ready();
    await fireEvent.keyDown(window, { key: 'r' });
    const dialog = screen.getByRole('dialog', { name: 'Accept the risk' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Justification'));
    const submit = within(dialog).getByRole('button', { name: 'Accept risk' });

    await fireEvent.click(submit);
    expect(within(dialog).getByText('Say why the risk is accepted.')).toBeTruthy();
    expect(within(dialog).getByText('Name who approved it.')).toBeTruthy();
    expect(within(dialog).getByText('Choose when the acceptance ends.')).toBeTruthy();
    expect(ipc.triageFindings).not.toHaveBeenCalled();

    await fireEvent.input(within(dialog).getByLabelText('Justification'), { target: { value: 'Third-party disk encryption' } });
    await fireEvent.input(within(dialog).getByLabelText('Approved by'), { target: { value: 'Dana (Contoso IT)' } });
    await fireEvent.input(within(dialog).getByLabelText('Expires'), { target: { value: '2026-12-01' } });
    await fireEvent.click(submit);
    expect(within(dialog).getByText('The expiry date must be after today.')).toBeTruthy();
    expect(ipc.triageFindings).not.toHaveBeenCalled();

    // What the engine still refuses shows in the dialog, which keeps the form.
    ipc.triageFindings.mockRejectedValueOnce({ code: 'invalid_input', message: 'the expiry date 2027-03-31 must be in the future' });
    await fireEvent.click(within(dialog).getByRole('button', { name: '90 days' }));
    expect((within(dialog).getByLabelText('Expires') as HTMLInputElement).value).toBe('2027-03-05');
    await fireEvent.click(submit);
    expect((await within(dialog).findByRole('alert')).textContent).toContain('The expiry date 2027-03-31 must be in the future');

    ipc.triageFindings.mockResolvedValueOnce({
      changed: [{ ...FINDINGS[0], state: 'risk_accepted', approver: 'Dana (Contoso IT)', expires: '2027-03-05' }],
      refused: [],
    });
    await fireEvent.click(submit);
    expect(ipc.triageFindings).toHaveBeenLastCalledWith(['f-bitlocker'], {
      action: 'accept_risk',
      justification: 'Third-party disk encryption',
      approver: 'Dana (Contoso IT)',
      expires: '2027-03-05',
    });
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('Accepted the risk of 1 finding.')).toBeTruthy();
  });

  it('closes the dialog on Escape without sending anything', async () => {
    await ready();
    await fireEvent.click(within(detail()).getByRole('button', { name: /^Accept risk/ }));
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(ipc.triageFindings).not.toHaveBeenCalled();
  });

  it('moves, checks and acknowledges from the keyboard, never while typing', async () => {
    await ready();
    await fireEvent.keyDown(window, { key: 'j' });
    expect(row('Win - Firewall').getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(window, { key: 'x' });
    await fireEvent.keyDown(window, { key: 'ArrowDown' });
    await fireEvent.keyDown(window, { key: 'x' });
    expect(row('iOS - Compliance').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByText('2 checked')).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'k' });
    expect(row('Win - Firewall').getAttribute('aria-selected')).toBe('true');

    // Typing in the text filter is text, not shortcuts.
    const text = screen.getByLabelText('Filter findings by text');
    await fireEvent.keyDown(text, { key: 'a' });
    await fireEvent.keyDown(text, { key: 'j' });
    expect(ipc.triageFindings).not.toHaveBeenCalled();
    expect(row('Win - Firewall').getAttribute('aria-selected')).toBe('true');

    ipc.triageFindings.mockResolvedValue({ changed: [updated(FINDINGS[2], 'acknowledged')], refused: [] });
    await fireEvent.keyDown(window, { key: 'a' });
    expect(ipc.triageFindings).toHaveBeenCalledWith(['f-firewall', 'f-compliance'], { action: 'acknowledge' });
  });

  it('listens to no key while another section shows', async () => {
    ipc.listFindings.mockResolvedValue(FINDINGS);
    show({ active: false });
    await screen.findAllByTestId('finding-row');
    await fireEvent.keyDown(window, { key: 'a' });
    await fireEvent.keyDown(window, { key: 'r' });
    expect(ipc.triageFindings).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('exports the rows that show as CSV', async () => {
    await ready();
    await fireEvent.change(screen.getByLabelText('Tenant'), { target: { value: 't2' } });
    ipc.saveCsv.mockResolvedValue({ path: '/home/ana/Downloads/tenantatlas-findings-2026-12-05.csv' });
    await fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(ipc.saveCsv).toHaveBeenCalledOnce();
    const [name, csv] = ipc.saveCsv.mock.calls[0];
    expect(name).toBe('tenantatlas-findings-2026-12-05');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toContain('Win - Firewall');
    expect(csv).toContain('iOS - Compliance');
    expect(csv).not.toContain('Win - BitLocker');
    expect(
      await screen.findByText('Saved 2 findings to /home/ana/Downloads/tenantatlas-findings-2026-12-05.csv'),
    ).toBeTruthy();
  });

  it('selects a finding picked in search, widening the filters when they hide it', async () => {
    ipc.findingAudit.mockResolvedValue([]);
    const view = await ready();
    expect(screen.queryByText(/f-resolved/)).toBeNull();
    await view.rerender({ focus: { id: 'f-resolved', n: 1 } });
    await vi.waitFor(() => {
      const row = screen.getAllByTestId('finding-row').find((r) => r.dataset.id === 'f-resolved');
      expect(row?.getAttribute('aria-selected')).toBe('true');
    });
    expect((screen.getByLabelText('State') as HTMLSelectElement).value).toBe('all');
    expect(ipc.findingAudit).toHaveBeenCalledWith('f-resolved');
  });

  it('puts only the rows near the view in the page, however many findings there are', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      finding({ id: `f${i}`, object: `Policy ${String(i).padStart(5, '0')}`, severity: i % 7 === 0 ? 'high' : 'low' }),
    );
    const { container } = await ready(many);
    const table = screen.getByRole('table', { name: 'Findings' });
    expect(table.getAttribute('aria-rowcount')).toBe('20001');
    const rendered = screen.getAllByTestId('finding-row');
    expect(rendered.length).toBeLessThan(100);
    expect(rendered[0].getAttribute('aria-rowindex')).toBe('2');
    // What the page leaves out, a spacer stands for (its height set by script, not markup).
    const spacer = container.querySelector<HTMLElement>('tr.spacer');
    expect(spacer?.style.height).toBe(`${(20_000 - rendered.length) * 52}px`);
    // Scrolled far down, the rows there are in the page instead.
    const wrap = container.querySelector<HTMLElement>('.table-wrap')!;
    wrap.scrollTop = 52 * 10_000;
    await fireEvent.scroll(wrap);
    const later = screen.getAllByTestId('finding-row');
    expect(later.length).toBeLessThan(100);
    expect(Number(later[0].getAttribute('aria-rowindex'))).toBeGreaterThan(9_000);
  });

  it('shows tenant text as text: markup stays inert and control characters visible', async () => {
    const { container } = await ready([
      finding({
        id: 'evil',
        object: '<img src=x onerror=alert(1)>Policy\u202etxt.exe',
        tenant_name: 'Evil\nTenant',
        changes: [
          {
            ...FINDINGS[0].changes[0],
            summary: 'Setting\u200b: A → B',
            actual: '"line\u202e"',
          },
        ],
      }),
    ]);
    expect(container.querySelector('img')).toBeNull();
    expect(within(detail()).getByRole('heading', { name: '<img src=x onerror=alert(1)>Policy\\u{202e}txt.exe' })).toBeTruthy();
    expect(within(row('Policy')).getByText('Evil\\nTenant')).toBeTruthy();
    expect(within(detail()).getByText('Setting\\u{200b}: A → B')).toBeTruthy();
    expect(within(detail()).getByText('"line\\u{202e}"')).toBeTruthy();
  });
});
