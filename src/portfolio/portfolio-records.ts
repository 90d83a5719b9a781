import { parseCsvLine } from '../sources/csv/parse-csv-line.js';

/** One row of a portfolio file, whatever its format: values by lower-cased field name, and its line. */
export interface PortfolioRecord {
  line: number;
  values: Record<string, unknown>;
}

/** The records of a file and how it was laid out ('csv', 'json', or 'ghostfolio' for an activity export). */
export interface PortfolioRecords {
  layout: 'csv' | 'json' | 'ghostfolio';
  records: PortfolioRecord[];
  /** The field names the file uses (as fieldKey gives them). */
  fieldNames: string[];
  /** Each field name as the file itself writes it (`cost_basis`), by its fieldKey, for messages. */
  writtenNames: Record<string, string>;
}

/** Field names compared without case, spaces, underscores or dashes: `Unit Price`, `unit_price`, `unitPrice`. */
export function fieldKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

function namesAsWritten(names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) out[fieldKey(name)] ??= name;
  return out;
}

function keyed(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[fieldKey(k)] = v;
  return out;
}

/** Reads a CSV (header line first) or JSON portfolio file into records with their line numbers. */
export function readPortfolioRecords(text: string, file: string): PortfolioRecords {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') return readJsonRecords(body, file);
  const lines = body.split(/\r?\n/);
  const written = parseCsvLine(lines[0] ?? '').map((h) => h.trim());
  const header = written.map(fieldKey);
  const records: PortfolioRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = parseCsvLine(lines[i]);
    const values: Record<string, unknown> = {};
    header.forEach((h, j) => {
      values[h] = fields[j]?.trim() ?? '';
    });
    records.push({ line: i + 1, values });
  }
  return { layout: 'csv', records, fieldNames: header, writtenNames: namesAsWritten(written) };
}

function readJsonRecords(text: string, file: string): PortfolioRecords {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  let items: unknown;
  let key: string | null = null;
  let layout: PortfolioRecords['layout'] = 'json';
  if (Array.isArray(doc)) items = doc;
  else if (doc !== null && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    key = ['activities', 'transactions', 'holdings'].find((k) => Array.isArray(o[k])) ?? null;
    if (key === 'activities') layout = 'ghostfolio';
    items = key ? o[key] : undefined;
  }
  if (!Array.isArray(items)) {
    throw new Error(
      `${file}: expected a JSON array of rows, or an object with an "activities" (Ghostfolio export), "transactions" or "holdings" array`,
    );
  }
  const lines = elementLines(text, key);
  const records = items.map((item, i) => ({
    line: lines[i] ?? 1,
    values:
      item !== null && typeof item === 'object' && !Array.isArray(item) ? keyed(item as Record<string, unknown>) : {},
  }));
  const fieldNames = [...new Set(records.flatMap((r) => Object.keys(r.values)))];
  const writtenNames = namesAsWritten(
    items.flatMap((item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : [],
    ),
  );
  return { layout, records, fieldNames, writtenNames };
}

/**
 * The line each element of the rows array starts on, so a bad JSON row is named file:line like a CSV one:
 * the array is the top-level one, or the one after `"key":`; strings are skipped so brackets inside them
 * do not count.
 */
function elementLines(text: string, key: string | null): number[] {
  let start = 0;
  if (key !== null) {
    const m = new RegExp(`"${key}"\\s*:\\s*\\[`).exec(text);
    if (!m) return [];
    start = m.index + m[0].length - 1;
  } else start = text.indexOf('[');
  const out: number[] = [];
  let line = 1;
  for (let i = 0; i < start; i++) if (text.charCodeAt(i) === 10) line++;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && !/\s/.test(c) && c !== ']') {
      out.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectElement = true;
  }
  return out;
}
