import type { ScreenerCell } from './api-types.js';

/**
 * CSV text of a table's rows and columns with their raw values, as /api/screener?format=csv writes them: one
 * header line, one line per row, RFC 4180 quoting, CRLF, numbers at full precision (not the table's rounded,
 * shortened text), lists joined by spaces. A text cell that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR first: a sector from a user's file can start with "=") is written with a leading apostrophe.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (ScreenerCell | undefined)[])[]): string {
  const lines = [header.map(csvText).join(','), ...rows.map((cells) => cells.map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(cell: ScreenerCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return csvText(Array.isArray(cell) ? cell.join(' ') : cell);
}

function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The cells of CSV text (the inverse of toCsv, for checking an export against the table). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
