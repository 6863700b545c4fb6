import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import Shell from './Shell.svelte';

afterEach(() => {
  cleanup();
});

const portfolio = createRawSnippet(() => ({ render: () => '<p>the portfolio screen</p>' }));
const findings = createRawSnippet((active: () => boolean) => ({
  render: () => `<p>the findings screen${active() ? '' : ' (hidden)'}</p>`,
}));
const show = (workspaceName = 'Demo portfolio') => render(Shell, { props: { workspaceName, portfolio, findings } });

describe('Shell', () => {
  it('opens on the portfolio with the workspace name in the top bar', () => {
    show();
    expect(screen.getByText('the portfolio screen')).toBeTruthy();
    expect(screen.getByTestId('workspace-name').textContent).toBe('Demo portfolio');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toContain('Portfolio');
  });

  it('shows what a section will hold instead of a broken page', async () => {
    show();
    for (const name of ['Baselines', 'Operations', 'Settings']) {
      await fireEvent.click(screen.getByRole('button', { name: new RegExp(`^${name}`) }));
      expect(screen.getByRole('heading', { level: 1, name })).toBeTruthy();
      expect(screen.getByText('Coming in a later version')).toBeTruthy();
      // Hidden, not gone: the portfolio keeps its filters and sort for when the engineer comes back.
      expect(screen.getByText('the portfolio screen').closest('[hidden]')).not.toBeNull();
      expect(screen.getByRole('button', { name: new RegExp(`^${name}`) }).getAttribute('aria-current')).toBe('page');
    }
    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    expect(screen.getByText('the portfolio screen').closest('[hidden]')).toBeNull();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
  });

  it('opens Findings on its first visit and keeps it mounted after', async () => {
    show();
    expect(screen.queryByText(/the findings screen/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Findings/ }));
    expect(screen.getByText('the findings screen')).toBeTruthy();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
    expect(screen.getByText('the portfolio screen').closest('[hidden]')).not.toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    // Still there, hidden, and told so: its filters and checks wait for the engineer's return.
    expect(screen.getByText('the findings screen').closest('[hidden]')).not.toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Findings/ }));
    expect(screen.getByText('the findings screen').closest('[hidden]')).toBeNull();
  });

  it('shows Operations in its section, told whether it shows, and keeps it mounted', async () => {
    const operations = createRawSnippet((active: () => boolean) => ({
      render: () => `<p>the operations screen${active() ? '' : ' (hidden)'}</p>`,
    }));
    render(Shell, { props: { workspaceName: 'W', portfolio, findings, operations } });
    expect(screen.queryByText(/the operations screen/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Operations/ }));
    expect(screen.getByText('the operations screen')).toBeTruthy();
    expect(screen.queryByText('Coming in a later version')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /^Portfolio/ }));
    expect(screen.getByText('the operations screen').closest('[hidden]')).not.toBeNull();
  });

  it('focuses search on Ctrl+K, says results come later, and Escape closes it', async () => {
    show();
    const search = screen.getByRole('searchbox', { name: 'Search everywhere' }) as HTMLInputElement;
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(search);

    await fireEvent.input(search, { target: { value: 'bitlocker' } });
    expect(screen.getByText(/Search across all tenants arrives in a later version/)).toBeTruthy();

    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(search.value).toBe('');
    expect(document.activeElement).not.toBe(search);
    expect(screen.queryByText(/arrives in a later version/)).toBeNull();
  });

  it('shows a workspace name from outside as text', () => {
    show('ws\u202eevil\n');
    expect(screen.getByTestId('workspace-name').textContent).toBe('ws\\u{202e}evil\\n');
  });
});
