// CSV for any table the window shows (RFC 4180, every cell quoted), and saving it as a file in
// the user's Downloads folder through the app (the web view cannot save files itself).
import { saveCsv } from './ipc/commands';

/** One cell: quoted; text a spreadsheet would run as a formula is neutralised with a `'`. */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A table as CSV: a header line, then one line per row, CRLF-terminated as RFC 4180 says,
 * with a byte-order mark so spreadsheets read it as UTF-8 ("Müller & Söhne" stays whole). */
export function toCsv<T>(columns: readonly [string, (row: T) => string | number | null | undefined][], rows: readonly T[]): string {
  const lines = [columns.map(([name]) => csvCell(name)).join(',')];
  for (const row of rows) lines.push(columns.map(([, cell]) => csvCell(cell(row))).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** `name-YYYY-MM-DD` for an export made on `day`. */
export function exportName(name: string, day: Date): string {
  return `${name}-${day.toISOString().slice(0, 10)}`;
}

/** Saves `csv` as a new file; resolves with where it went. */
export async function exportCsv(fileName: string, csv: string): Promise<string> {
  return (await saveCsv(fileName, csv)).path;
}
