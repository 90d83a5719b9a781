import { parseCsvLine } from './parse-csv-line.js';

/**
 * One CSV row as field boundaries over a string, so the hot loop reads numbers and dates in place
 * instead of allocating a string per field: field i is `text.slice(starts[i], ends[i])`.
 */
export interface CsvRowView {
  text: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

export const MAX_FIELDS = 64;

export function newRowView(): CsvRowView {
  return { text: '', count: 0, starts: new Int32Array(MAX_FIELDS), ends: new Int32Array(MAX_FIELDS) };
}

/**
 * Splits an unquoted line at its commas into `view`. Returns false, leaving the view unusable, when the
 * line holds a double quote (the caller then takes the quoted path, viewFromFields) or too many fields.
 */
export function scanPlainRow(line: string, view: CsvRowView): boolean {
  const n = line.length;
  let count = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 44) {
      if (count === MAX_FIELDS - 1) return false;
      view.starts[count] = start;
      view.ends[count] = i;
      count++;
      start = i + 1;
    } else if (c === 34) return false;
  }
  view.starts[count] = start;
  view.ends[count] = n;
  view.text = line;
  view.count = count + 1;
  return true;
}

/** The view of a quoted line, through the full CSV parser: the unquoted fields laid end to end. */
export function viewFromQuotedLine(line: string, view: CsvRowView): void {
  const fields = parseCsvLine(line).slice(0, MAX_FIELDS);
  let at = 0;
  fields.forEach((f, i) => {
    view.starts[i] = at;
    at += f.length;
    view.ends[i] = at;
  });
  view.text = fields.join('');
  view.count = fields.length;
}

export function fieldText(view: CsvRowView, i: number): string {
  return view.text.slice(view.starts[i], view.ends[i]);
}

/** Whether field i equals `value`, without cutting the field out of the line. */
export function fieldEquals(view: CsvRowView, i: number, value: string): boolean {
  const s = view.starts[i];
  return view.ends[i] - s === value.length && view.text.startsWith(value, s);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Field i as a number, NaN when it is blank or not a number. Plain decimals of up to 15 significant
 * digits ("45.07", "-3", "158168416") are read from the character codes: an integer below 2^53 divided
 * by an exact power of ten is correctly rounded, so the result is bit-identical to Number(). Anything
 * else (exponents, 16+ digits such as 83.41999799999999, spaces) goes through Number() itself.
 */
export function fieldNumber(view: CsvRowView, i: number): number {
  const text = view.text;
  const s = view.starts[i];
  const e = view.ends[i];
  let p = s;
  let negative = false;
  if (text.charCodeAt(p) === 45) {
    negative = true;
    p++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; p < e; p++) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 && fraction === -1) {
      fraction = digits;
    } else {
      return slowNumber(text, s, e);
    }
  }
  if (digits === 0 || digits > 15) return slowNumber(text, s, e);
  const places = fraction === -1 ? 0 : digits - fraction;
  const v = places === 0 ? mantissa : mantissa / POW10[places];
  return negative ? -v : v;
}

function slowNumber(text: string, s: number, e: number): number {
  const t = text.slice(s, e);
  // Number('') and Number('  ') are 0; a blank cell is a missing value.
  return t.trim() === '' ? Number.NaN : Number(t);
}

/** True when field i is empty or only spaces. */
export function fieldIsBlank(view: CsvRowView, i: number): boolean {
  for (let p = view.starts[i]; p < view.ends[i]; p++) {
    const c = view.text.charCodeAt(p);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
