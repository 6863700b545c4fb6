import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage } from './errors';

describe('errorMessage', () => {
  it('shows the IpcError message as a sentence', () => {
    expect(errorMessage({ code: 'not_found', message: 'run `tenantatlas tenant add` first' })).toBe(
      'Run `tenantatlas tenant add` first',
    );
    expect(errorCode({ code: 'not_found', message: 'x' })).toBe('not_found');
  });

  it('never shows undefined, an empty line or a control character', () => {
    for (const err of [undefined, null, {}, { message: undefined }, { message: '  ' }, 42, new Error('')]) {
      const text = errorMessage(err);
      expect(text).not.toMatch(/undefined|null|^\s*$/);
    }
    expect(errorMessage('bad\x1b[2J')).toBe('Bad\\u{1b}[2J');
    expect(errorCode('plain')).toBeNull();
  });
});
