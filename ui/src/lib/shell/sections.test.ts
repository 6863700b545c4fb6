import { describe, expect, it } from 'vitest';
import { SECTIONS, sectionForKey, sectionShortcut } from './sections';

const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init);

describe('section shortcuts', () => {
  it('Alt and a digit go to the rail section in that place, Reports among them', () => {
    expect(SECTIONS.map((s) => s.id)).toContain('reports');
    expect(sectionShortcut('portfolio')).toBe('Alt+1');
    expect(sectionForKey(key({ altKey: true, code: 'Digit1', key: '1' }))).toBe('portfolio');
    const reports = SECTIONS.findIndex((s) => s.id === 'reports') + 1;
    expect(sectionShortcut('reports')).toBe(`Alt+${reports}`);
    // macOS types another character with Option+digit: the key's code still says which.
    expect(sectionForKey(key({ altKey: true, code: `Digit${reports}`, key: '∞' }))).toBe('reports');
  });

  it('leaves other keys alone', () => {
    expect(sectionForKey(key({ code: 'Digit1', key: '1' }))).toBeNull();
    expect(sectionForKey(key({ altKey: true, ctrlKey: true, code: 'Digit1', key: '1' }))).toBeNull();
    expect(sectionForKey(key({ altKey: true, code: 'Digit9', key: '9' }))).toBeNull();
    expect(sectionForKey(key({ altKey: true, code: 'ArrowLeft', key: 'ArrowLeft' }))).toBeNull();
  });
});
