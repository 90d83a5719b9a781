import type { ScreenerCell, ScreenerPayload } from '../precompute/build-screener.js';

/**
 * The screener rows as CSV (RFC 4180: quoted where needed, CRLF), numbers at full precision. A text cell that
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first: a company name from a user's file can be
 * "=HYPERLINK(...)") is written with a leading apostrophe, as OWASP advises for CSV exports.
 */
export function screenerCsv(payload: Pick<ScreenerPayload, 'columns' | 'rows'>): string {
  const lines = [payload.columns.map(csvText).join(',')];
  for (const row of payload.rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(cell: ScreenerCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return csvText(Array.isArray(cell) ? cell.join(' ') : cell);
}

function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
