import { describe, expect, it } from 'vitest';
import { addDays, checkRiskForm, isTyping, outcomeText, riskRequest, shortcutOf, todayUtc } from './triage';
import { finding, NOW } from './fixtures';

const key = (k: string, target: EventTarget = document.body, mods: KeyboardEventInit = {}) => {
  const event = new KeyboardEvent('keydown', { key: k, ...mods });
  Object.defineProperty(event, 'target', { value: target });
  return event;
};

describe('accept-risk form', () => {
  const form = { justification: 'Compensating control', approver: 'Dana', expires: '2027-01-31' };

  it('needs a justification, an approver and a future date', () => {
    expect(checkRiskForm(form, NOW)).toEqual({});
    expect(checkRiskForm({ justification: '  ', approver: '', expires: '' }, NOW)).toEqual({
      justification: 'Say why the risk is accepted.',
      approver: 'Name who approved it.',
      expires: 'Choose when the acceptance ends.',
    });
    expect(checkRiskForm({ ...form, expires: todayUtc(NOW) }, NOW).expires).toBe('The expiry date must be after today.');
    expect(checkRiskForm({ ...form, expires: '2026-02-30' }, NOW).expires).toBe('Write the date as YYYY-MM-DD.');
    expect(checkRiskForm({ ...form, expires: '31/01/2027' }, NOW).expires).toBe('Write the date as YYYY-MM-DD.');
    expect(checkRiskForm({ ...form, expires: addDays(todayUtc(NOW), 1) }, NOW)).toEqual({});
  });

  it('sends what was typed, trimmed', () => {
    expect(riskRequest({ justification: ' why ', approver: ' Dana ', expires: '2027-01-31 ' })).toEqual({
      action: 'accept_risk',
      justification: 'why',
      approver: 'Dana',
      expires: '2027-01-31',
    });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(todayUtc(new Date('2026-12-05T23:30:00-05:00'))).toBe('2026-12-06');
  });
});

describe('shortcuts', () => {
  it('map j/k, arrows, x, a, r and Escape', () => {
    expect(['j', 'ArrowDown', 'k', 'ArrowUp', 'x', 'a', 'r', 'Escape', 'q'].map((k) => shortcutOf(key(k)))).toEqual([
      'next',
      'next',
      'previous',
      'previous',
      'toggle',
      'acknowledge',
      'accept_risk',
      'clear',
      null,
    ]);
    expect(shortcutOf(key('a', document.body, { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(key('r', document.body, { metaKey: true }))).toBeNull();
  });

  it('never fire while typing', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('select'))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('button'))).toBe(false);
    expect(shortcutOf(key('a', text))).toBeNull();
    expect(shortcutOf(key('x', box))).toBe('toggle');
  });
});

describe('outcomes in words', () => {
  it('say what changed and why the rest did not', () => {
    const changed = [finding({ id: 'a' }), finding({ id: 'b' })];
    expect(outcomeText('acknowledge', { changed, refused: [] })).toEqual({
      text: 'Acknowledged 2 findings.',
      warn: false,
    });
    expect(
      outcomeText('resolve', { changed: [], refused: [{ id: 'a', message: 'finding a is already resolved' }] }),
    ).toEqual({ text: 'Finding a is already resolved.', warn: true });
    expect(
      outcomeText('accept_risk', {
        changed: changed.slice(0, 1),
        refused: [
          { id: 'x', message: 'finding x is resolved; there is no risk left to accept' },
          { id: 'y', message: 'finding y is resolved; there is no risk left to accept' },
        ],
      }).text,
    ).toBe(
      'Accepted the risk of 1 finding. 2 findings not changed (finding x is resolved; there is no risk left to accept, and others).',
    );
  });
});
