import { describe, expect, it } from 'vitest';
import { flatten, layout, move } from './palette';
import { BITLOCKER, answer } from './fixtures';

describe('palette', () => {
  it('lays out only the groups with hits, in a fixed order, each knowing where it starts', () => {
    const groups = layout(BITLOCKER);
    expect(groups.map((g) => [g.id, g.start, g.hits.length, g.more])).toEqual([
      ['tenants', 0, 1, 0],
      ['objects', 1, 1, 0],
      ['settings', 2, 2, 58],
      ['findings', 4, 1, 0],
    ]);
    expect(flatten(groups)).toHaveLength(5);
    expect(layout(answer('x'))).toEqual([]);
  });

  it('moves through the rows and wraps at both ends', () => {
    expect(move(-1, 3, 'ArrowDown')).toBe(0);
    expect(move(-1, 3, 'ArrowUp')).toBe(2);
    expect(move(2, 3, 'ArrowDown')).toBe(0);
    expect(move(0, 3, 'ArrowUp')).toBe(2);
    expect(move(1, 3, 'ArrowDown')).toBe(2);
    expect(move(0, 0, 'ArrowDown')).toBe(-1);
  });
});
