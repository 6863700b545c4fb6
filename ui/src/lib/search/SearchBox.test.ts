import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import SearchBox from './SearchBox.svelte';
import { BITLOCKER, FINDING_HIT, OBJECT_HIT, TENANT_HIT, answer } from './fixtures';
import type { SearchAnswer } from '../ipc/commands';

vi.mock('../ipc/commands', () => ({ search: vi.fn() }));
const ipc = vi.mocked(await import('../ipc/commands'));

beforeEach(() => {
  vi.resetAllMocks();
  vi.useFakeTimers();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function show() {
  const onopen = vi.fn();
  render(SearchBox, { props: { onopen } });
  const box = screen.getByRole('combobox', { name: 'Search everywhere' }) as HTMLInputElement;
  box.focus();
  return { box, onopen };
}

async function type(box: HTMLInputElement, value: string) {
  await fireEvent.input(box, { target: { value } });
}

/** Lets the debounce run out and the answer arrive. */
async function settle(ms = 150) {
  await vi.advanceTimersByTimeAsync(ms);
  await tick();
}

/** A promise and the functions that settle it, for answers that arrive when the test says. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const options = () => screen.queryAllByRole('option');
const selected = () => options().findIndex((o) => o.getAttribute('aria-selected') === 'true');

describe('SearchBox', () => {
  it('asks nothing and shows nothing for an empty query', async () => {
    const { box } = show();
    await type(box, '   ');
    await settle();
    expect(ipc.search).not.toHaveBeenCalled();
    expect(screen.queryByTestId('search-results')).toBeNull();
    expect(box.getAttribute('aria-expanded')).toBe('false');
  });

  it('waits for a pause in typing, says it is searching, and asks once', async () => {
    ipc.search.mockReturnValue(new Promise(() => {}));
    const { box } = show();
    await type(box, 'b');
    await type(box, 'bit');
    await type(box, 'bitlocker ');
    expect(screen.getByText('Searching every tenant…')).toBeTruthy();
    await settle(149);
    expect(ipc.search).not.toHaveBeenCalled();
    await settle(1);
    expect(ipc.search).toHaveBeenCalledTimes(1);
    expect(ipc.search).toHaveBeenCalledWith('bitlocker');
  });

  it('shows a failure as its message', async () => {
    ipc.search.mockRejectedValue({ code: 'no_workspace', message: 'no workspace is open; open one' });
    const { box } = show();
    await type(box, 'bitlocker');
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('No workspace is open; open one');
  });

  it('says when nothing matches, and in how many tenants it looked', async () => {
    ipc.search.mockResolvedValue(answer('zzz'));
    const { box } = show();
    await type(box, 'zzz');
    await settle();
    expect(screen.getByRole('status').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Nothing matches “zzz” in 3 tenants.',
    );
  });

  it('groups the hits by type, each setting as tenant → value, with how many more matched', async () => {
    ipc.search.mockResolvedValue(BITLOCKER);
    const { box } = show();
    await type(box, 'bitlocker');
    await settle();
    const groups = screen.getAllByRole('group');
    expect(groups.map((g) => g.querySelector('.heading')?.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Tenants 1',
      'Objects 1',
      'Settings 60',
      'Findings 1',
    ]);
    const settings = within(groups[2]).getAllByRole('option');
    expect(settings[0].querySelector('.main')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Contoso Ltd → Refresh on for Azure AD-joined devices',
    );
    expect(settings[0].querySelector('.sub')?.textContent).toBe(
      'Configure Recovery Password Rotation · MSP - Win - BitLocker',
    );
    expect(within(groups[2]).getByText('58 more — add a word to narrow it down')).toBeTruthy();
    // A tenant's text is shown, never obeyed: a bidi override becomes visible.
    const finding = within(groups[3]).getByRole('option');
    expect(finding.textContent).toContain('Evil\\u{202e}Corp');
    expect(finding.getAttribute('aria-label')).toContain('Evil\\u{202e}Corp');
    expect(finding.innerHTML).not.toContain('\u202e');
    // The first hit is active, so Enter opens it straight away.
    expect(selected()).toBe(0);
    expect(box.getAttribute('aria-activedescendant')).toBe(options()[0].id);
  });

  it('walks the hits with ↑/↓ (wrapping), opens one with Enter, and closes on Escape', async () => {
    ipc.search.mockResolvedValue(BITLOCKER);
    const { box, onopen } = show();
    await type(box, 'bitlocker');
    await settle();
    expect(options()).toHaveLength(5);
    await fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(selected()).toBe(1);
    await fireEvent.keyDown(box, { key: 'ArrowUp' });
    await fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(selected()).toBe(4);
    expect(box.getAttribute('aria-activedescendant')).toBe(options()[4].id);
    await fireEvent.keyDown(box, { key: 'ArrowDown' });
    await fireEvent.keyDown(box, { key: 'ArrowDown' });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onopen).toHaveBeenCalledWith(OBJECT_HIT);
    expect(screen.queryByTestId('search-results')).toBeNull();

    // Typing again opens it; Escape closes the results, a second Escape clears the box.
    box.focus();
    await type(box, 'bitlocker');
    await settle();
    expect(screen.getByTestId('search-results')).toBeTruthy();
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByTestId('search-results')).toBeNull();
    expect(box.value).toBe('bitlocker');
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(box.value).toBe('');
    expect(onopen).toHaveBeenCalledTimes(1);
  });

  it('opens a hit on click', async () => {
    ipc.search.mockResolvedValue(BITLOCKER);
    const { box, onopen } = show();
    await type(box, 'bitlocker');
    await settle();
    await fireEvent.click(options()[4]);
    expect(onopen).toHaveBeenCalledWith(FINDING_HIT);
  });

  it('drops an answer to an older query, however late it arrives', async () => {
    const first = deferred<SearchAnswer>();
    const second = deferred<SearchAnswer>();
    ipc.search.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const { box } = show();
    await type(box, 'contoso');
    await settle();
    await type(box, 'fabrikam');
    await settle();
    expect(ipc.search.mock.calls).toEqual([['contoso'], ['fabrikam']]);
    second.resolve(answer('fabrikam', { objects: { hits: [OBJECT_HIT], total: 1, more: 0 } }));
    await settle(0);
    first.resolve(answer('contoso', { tenants: { hits: [TENANT_HIT], total: 1, more: 0 } }));
    await settle(0);
    expect(options()).toHaveLength(1);
    expect(options()[0].textContent).toContain('MSP - Win - BitLocker');
    expect(screen.queryByText('Contoso Ltd')).toBeNull();
  });

  it('keeps the last answer on screen, marked busy, while the next one is on its way', async () => {
    const next = deferred<SearchAnswer>();
    ipc.search.mockResolvedValueOnce(BITLOCKER).mockReturnValueOnce(next.promise);
    const { box } = show();
    await type(box, 'bitlocker');
    await settle();
    await type(box, 'bitlocker rotation');
    await settle();
    expect(options()).toHaveLength(5);
    expect(screen.getByRole('listbox').getAttribute('aria-busy')).toBe('true');
    next.resolve(answer('bitlocker rotation', { tenants: { hits: [TENANT_HIT], total: 1, more: 0 } }));
    await settle(0);
    expect(options()).toHaveLength(1);
    expect(screen.getByRole('listbox').getAttribute('aria-busy')).toBe('false');
  });
});
