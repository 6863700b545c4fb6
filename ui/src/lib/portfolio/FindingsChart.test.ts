import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import FindingsChart from './FindingsChart.svelte';
import type { DayFindings } from '../ipc/commands';

afterEach(() => cleanup());

const day = (d: string, high: number, medium = 0, low = 0, info = 0, checked = 3): DayFindings => ({
  day: d,
  findings: { high, medium, low, info },
  checked,
});

describe('FindingsChart', () => {
  it('draws a stacked bar a day, says the figures in words, and keeps styles out of the markup', () => {
    const { container } = render(FindingsChart, {
      props: { days: [day('2026-12-03', 0, 0, 0, 0, 0), day('2026-12-04', 10, 4, 1), day('2026-12-05', 6, 2, 0, 1)] },
    });
    const svg = screen.getByRole('img');
    expect(svg.getAttribute('aria-label')).toBe(
      '9 standing findings today (6 high, 2 medium, 0 low, 1 info); 15 on Dec 4, the first day in view with a drift check.',
    );
    // Day 2 (the peak) fills the height; day 3's high is 6/15 of it.
    const highs = container.querySelectorAll('rect.high');
    expect(highs).toHaveLength(2);
    expect(Number(highs[0].getAttribute('height'))).toBeCloseTo((10 / 15) * 64);
    expect(Number(highs[1].getAttribute('height'))).toBeCloseTo((6 / 15) * 64);
    expect(container.querySelectorAll('rect')).toHaveLength(3 + 3);
    expect(screen.getByText('Standing findings, last 3 days')).toBeTruthy();
    expect(container.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('says there is nothing to chart before the first drift check', () => {
    render(FindingsChart, { props: { days: [day('2026-12-04', 0, 0, 0, 0, 0), day('2026-12-05', 0, 0, 0, 0, 0)] } });
    expect(screen.getByText('No drift check in the last 2 days: nothing to chart yet.')).toBeTruthy();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('a portfolio checked and clean is charted as zero, not as never checked', () => {
    render(FindingsChart, { props: { days: [day('2026-12-05', 0)] } });
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      '0 standing findings today (0 high, 0 medium, 0 low, 0 info).',
    );
  });
});
