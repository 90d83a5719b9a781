import { SCREENER_COLUMNS, type ScreenerCell, type ScreenerPayload } from '../precompute/build-screener.js';
import { badParam } from './bad-param.js';

/** Columns holding numbers, the ones min./max. filters apply to. */
const NUMERIC_COLUMNS: ReadonlySet<string> = new Set(
  SCREENER_COLUMNS.filter((c) => !['symbol', 'name', 'sector', 'industry', 'date', 'macdStage', 'flags'].includes(c)),
);
const COLUMNS: ReadonlySet<string> = new Set(SCREENER_COLUMNS);
export const MAX_SCREENER_LIMIT = 10_000;

export interface ScreenerQuery {
  sort: string | null;
  dir: 'asc' | 'desc';
  limit: number;
  sector: string | null;
  min: Map<string, number>;
  max: Map<string, number>;
  /** json (default) or csv: the same rows as a spreadsheet file. */
  format: 'json' | 'csv';
}

/**
 * `sort=<column>&dir=asc|desc&limit=1-10000&sector=<name>&min.<column>=<n>&max.<column>=<n>&format=json|csv`. Every
 * parameter is checked, an unknown one included, so a typo is an error instead of a silently ignored filter.
 */
export function parseScreenerQuery(params: URLSearchParams): ScreenerQuery {
  const q: ScreenerQuery = {
    sort: null,
    dir: 'desc',
    limit: MAX_SCREENER_LIMIT,
    sector: null,
    min: new Map(),
    max: new Map(),
    format: 'json',
  };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) throw badParam(name, value, 'the parameter once');
    seen.add(name);
    if (name === 'sort') {
      if (!COLUMNS.has(value)) throw badParam(name, value, `one of ${SCREENER_COLUMNS.join(', ')}`);
      q.sort = value;
    } else if (name === 'dir') {
      if (value !== 'asc' && value !== 'desc') throw badParam(name, value, 'asc or desc');
      q.dir = value;
    } else if (name === 'limit') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > MAX_SCREENER_LIMIT)
        throw badParam(name, value, `an integer from 1 to ${MAX_SCREENER_LIMIT}`);
      q.limit = n;
    } else if (name === 'sector') {
      if (value.trim() === '') throw badParam(name, value, 'a sector name such as Energy');
      q.sector = value;
    } else if (name.startsWith('min.') || name.startsWith('max.')) {
      const column = name.slice(4);
      if (!NUMERIC_COLUMNS.has(column))
        throw badParam(name, value, `min./max. on a numeric column: ${[...NUMERIC_COLUMNS].join(', ')}`);
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw badParam(name, value, 'a finite number');
      (name.startsWith('min.') ? q.min : q.max).set(column, n);
    } else if (name === 'format') {
      if (value !== 'json' && value !== 'csv') throw badParam(name, value, 'json or csv');
      q.format = value;
    } else {
      throw badParam(name, value, 'only sort, dir, limit, sector, format, min.<column> and max.<column>');
    }
  }
  return q;
}

/** The indices of the rows the query selects, sorted and cut to the limit (nulls sort last either way), and how many matched. */
export function selectScreenerRows(
  payload: Pick<ScreenerPayload, 'columns' | 'rows'>,
  q: ScreenerQuery,
): { indices: number[]; matched: number } {
  const { rows } = payload;
  const index = (c: string) => payload.columns.indexOf(c);
  const sectorAt = index('sector');
  const wantedSector = q.sector?.toLowerCase() ?? null;
  const bounds = [
    ...[...q.min].map(([c, n]) => ({ at: index(c), ok: (v: number) => v >= n })),
    ...[...q.max].map(([c, n]) => ({ at: index(c), ok: (v: number) => v <= n })),
  ];
  let indices: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (wantedSector !== null && String(row[sectorAt] ?? '').toLowerCase() !== wantedSector) continue;
    let ok = true;
    for (const b of bounds) {
      const v = row[b.at];
      if (typeof v !== 'number' || !b.ok(v)) {
        ok = false;
        break;
      }
    }
    if (ok) indices.push(i);
  }
  const matched = indices.length;
  if (q.sort !== null) {
    const at = index(q.sort);
    const sign = q.dir === 'asc' ? 1 : -1;
    indices.sort((a, b) => compareCells(rows[a][at], rows[b][at], sign) || a - b);
  }
  if (indices.length > q.limit) indices = indices.slice(0, q.limit);
  return { indices, matched };
}

/** The rows the query selects, sorted and cut to the limit. */
export function applyScreenerQuery(
  payload: ScreenerPayload,
  q: ScreenerQuery,
): ScreenerPayload & { matched: number; total: number } {
  const { indices, matched } = selectScreenerRows(payload, q);
  // Every field of the payload but its rows (the date, a sample label) goes with the selection.
  const { rows, ...rest } = payload;
  return { ...rest, total: rows.length, matched, rows: indices.map((i) => rows[i]) };
}

/**
 * The JSON answer of a screener query, written from each row's JSON text made once per payload
 * (`rowJson`): a page of 100 rows costs a join, not a serialisation of 5,000 cells.
 */
export function screenerAnswerJson(
  payload: ScreenerPayload,
  rowJson: readonly string[],
  q: ScreenerQuery,
  metaJson: string,
): string {
  const { indices, matched } = selectScreenerRows(payload, q);
  const { rows: all, ...rest } = payload;
  const head = JSON.stringify({ ...rest, total: all.length, matched }).slice(0, -1);
  let rows = '';
  for (let k = 0; k < indices.length; k++) rows += (k === 0 ? '' : ',') + rowJson[indices[k]];
  return `{"data":${head},"rows":[${rows}]},"meta":${metaJson}}`;
}

function compareCells(a: ScreenerCell, b: ScreenerCell, sign: number): number {
  const aNull = a === null || (typeof a === 'number' && Number.isNaN(a));
  const bNull = b === null || (typeof b === 'number' && Number.isNaN(b));
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * sign;
  const x = String(a);
  const y = String(b);
  return (x < y ? -1 : x > y ? 1 : 0) * sign;
}
