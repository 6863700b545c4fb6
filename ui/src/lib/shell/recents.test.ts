import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import Shell from './Shell.svelte';
import { loadRecents, MAX_RECENTS, remember, saveRecents } from './recents';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('recent tenants', () => {
  it('keeps the latest first, once each, at most eight', () => {
    let list = remember([], { id: 'a', name: 'A' });
    list = remember(list, { id: 'b', name: 'B' });
    list = remember(list, { id: 'a', name: 'A' });
    expect(list.map((t) => t.id)).toEqual(['a', 'b']);
    for (let i = 0; i < 20; i++) list = remember(list, { id: `t${i}`, name: `T${i}` });
    expect(list).toHaveLength(MAX_RECENTS);
    expect(list[0].id).toBe('t19');
  });

  it('reads back what it saved per workspace, and anything unreadable as nothing', () => {
    saveRecents('W', [{ id: 'a', name: 'A' }]);
    expect(loadRecents('W')).toEqual([{ id: 'a', name: 'A' }]);
    expect(loadRecents('other')).toEqual([]);
    localStorage.setItem('tenantatlas.recent-tenants.W', '{"not": "a list"}');
    expect(loadRecents('W')).toEqual([]);
    localStorage.setItem('tenantatlas.recent-tenants.W', 'garbage');
    expect(loadRecents('W')).toEqual([]);
    expect(loadRecents('W', { getItem: () => { throw new Error('refused'); } })).toEqual([]);
  });

  it('the switcher opens a tenant opened before, from another section', async () => {
    saveRecents('Demo', [
      { id: 't2', name: 'Fabrikam Inc' },
      { id: 't1', name: 'Contoso Ltd' },
    ]);
    const portfolio = createRawSnippet(() => ({ render: () => '<p>the portfolio screen</p>' }));
    const findings = createRawSnippet(() => ({ render: () => '<p>the findings screen</p>' }));
    render(Shell, { props: { workspaceName: 'Demo', portfolio, findings } });
    await fireEvent.click(screen.getByRole('button', { name: /^Findings/ }));
    await fireEvent.click(screen.getByRole('button', { name: /Recent tenants/ }));
    const items = screen.getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['Fabrikam Inc', 'Contoso Ltd']);
    await fireEvent.click(items[1]);
    expect(screen.queryByRole('menu')).toBeNull();
    expect(await screen.findByRole('button', { name: /Back to Portfolio/ })).toBeTruthy();
    // The one just opened moves to the front.
    expect(loadRecents('Demo').map((t) => t.id)).toEqual(['t1', 't2']);
  });
});
