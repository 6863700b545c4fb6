import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Findings from './Findings.svelte';
import { FINDINGS, NOW } from './fixtures';
import { DEFAULT_FILTER, DEFAULT_SORT } from './table';
import { loadViews, removeView, saveViews, upsertView } from './views';

vi.mock('../ipc/commands', () => ({
  listFindings: vi.fn(),
  findingAudit: vi.fn(),
  triageFindings: vi.fn(),
  saveCsv: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
  ipc.findingAudit.mockResolvedValue([]);
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('saved views', () => {
  it('replace one of the same name, sort by name, and read back only what a view can hold', () => {
    let views = upsertView([], { name: 'b', filter: DEFAULT_FILTER, sort: DEFAULT_SORT });
    views = upsertView(views, { name: 'A', filter: { ...DEFAULT_FILTER, severity: 'high' }, sort: DEFAULT_SORT });
    views = upsertView(views, { name: 'a', filter: { ...DEFAULT_FILTER, severity: 'low' }, sort: DEFAULT_SORT });
    expect(views.map((v) => v.name)).toEqual(['a', 'b']);
    expect(views[0].filter.severity).toBe('low');
    saveViews(views);
    expect(loadViews()).toEqual(views);
    expect(removeView(views, 'b').map((v) => v.name)).toEqual(['a']);
    localStorage.setItem('tenantatlas.findings-views', JSON.stringify([{ name: 'x', filter: { severity: 7, extra: 1 } }, { nope: 1 }]));
    expect(loadViews()).toEqual([{ name: 'x', filter: DEFAULT_FILTER, sort: DEFAULT_SORT }]);
    localStorage.setItem('tenantatlas.findings-views', 'garbage');
    expect(loadViews()).toEqual([]);
  });

  it('a view saved in the workbench filters again when picked', async () => {
    ipc.listFindings.mockResolvedValue(FINDINGS);
    render(Findings, { props: { now: () => NOW } });
    await screen.findAllByTestId('finding-row');
    const all = screen.getAllByTestId('finding-row').length;
    await fireEvent.change(screen.getByLabelText('Severity'), { target: { value: 'high' } });
    const high = screen.getAllByTestId('finding-row').length;
    expect(high).toBeLessThan(all);
    await fireEvent.click(screen.getByRole('button', { name: 'Save view…' }));
    await fireEvent.input(screen.getByLabelText('Name of the view'), { target: { value: 'High only' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(loadViews().map((v) => v.name)).toEqual(['High only']);
    // The view in force is named, and can be deleted.
    expect((screen.getByLabelText('Saved view') as HTMLSelectElement).value).toBe('High only');
    expect(screen.getByRole('button', { name: 'Delete view' })).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Reset filters' }));
    expect(screen.getAllByTestId('finding-row')).toHaveLength(all);
    await fireEvent.change(screen.getByLabelText('Saved view'), { target: { value: 'High only' } });
    expect(screen.getAllByTestId('finding-row')).toHaveLength(high);
  });
});
