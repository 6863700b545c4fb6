import { describe, expect, it } from 'vitest';
import { visible } from './text';

// The cases of crates/core/src/text.rs, so the window and the command line show the same thing.
function check(input: string, expect_: string) {
  expect(visible(input), JSON.stringify(input)).toBe(expect_);
}

describe('visible', () => {
  it('turns terminal controls into escapes', () => {
    check(
      '\x1b[2J\x1b]0;pwned\x07Legit\nFAKE: all tenants compliant',
      '\\u{1b}[2J\\u{1b}]0;pwned\\u{7}Legit\\nFAKE: all tenants compliant',
    );
    check('a\r\nb\tc\0d\x7f', 'a\\r\\nb\\tc\\u{0}d\\u{7f}');
    // C1: the 8-bit CSI and OSC.
    check('x\u009b2J\u009d0;t\u009c', 'x\\u{9b}2J\\u{9d}0;t\\u{9c}');
    check('one\u2028two\u2029', 'one\\u{2028}two\\u{2029}');
  });

  it('turns reordering and invisible characters into escapes', () => {
    check('Legit\u202etxt.exe', 'Legit\\u{202e}txt.exe');
    check('\u2067abc\u2069', '\\u{2067}abc\\u{2069}');
    check('Pass\u00adword\u200b', 'Pass\\u{ad}word\\u{200b}');
    check('\ufeffBOM', '\\u{feff}BOM');
    check('hidden\u{e0041}\u{e0042}', 'hidden\\u{e0041}\\u{e0042}');
    check('\u3164', '\\u{3164}');
    check('music\u{1d173}', 'music\\u{1d173}');
  });

  it('keeps joiners where they join and shows them where they hide', () => {
    check('می\u200cخواهم', 'می\u200cخواهم');
    check('👨\u200d👩\u200d👧', '👨\u200d👩\u200d👧');
    check('Legit\u200d', 'Legit\\u{200d}');
    check('a\u200cb', 'a\\u{200c}b');
    check('\u200dش', '\\u{200d}ش');
    check('ش\u200d\u200dش', 'ش\\u{200d}\\u{200d}ش');
  });

  it('leaves ordinary text unchanged', () => {
    for (const text of [
      '',
      'MSP - Win - BitLocker',
      'Müller & Söhne GmbH – Zürich',
      '東京商事',
      'HKLM\\Software\\Policies',
      'emoji ✅ and \ufe0f',
      '<script>alert(1)</script>',
    ]) {
      expect(visible(text)).toBe(text);
    }
  });
});
