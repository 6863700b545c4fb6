import { describe, expect, it } from 'vitest';
import { csvCell, exportName, toCsv } from './csv';

describe('csv', () => {
  it('quotes every cell and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('-1+1')).toBe('"\'-1+1"');
    expect(csvCell(-3)).toBe('"-3"');
    expect(csvCell(null)).toBe('""');
  });

  it('writes a header and one CRLF line per row', () => {
    const csv = toCsv<{ a: string; n: number }>(
      [
        ['Name', (r) => r.a],
        ['Count', (r) => r.n],
      ],
      [
        { a: 'x', n: 1 },
        { a: 'line\nbreak', n: 2 },
      ],
    );
    expect(csv).toBe('\ufeff"Name","Count"\r\n"x","1"\r\n"line\nbreak","2"\r\n');
    expect(exportName('runs', new Date('2026-12-05T23:00:00Z'))).toBe('runs-2026-12-05');
  });
});
