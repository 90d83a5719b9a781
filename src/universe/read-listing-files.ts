import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSymbolError, normalizeSymbol } from '../domain/symbol.js';
import { parseCsvLine } from '../sources/csv/parse-csv-line.js';
import { UniverseError } from './universe-registry.js';

/** One security of the US listing files. */
export interface ListedSecurity {
  /** Canonical symbol (see domain/symbol.ts): BRK.B, ABR.PD for the ACT symbol ABR$D. */
  symbol: string;
  name: string;
  /** Listing exchange: Q = NASDAQ; N = NYSE, A = NYSE American, P = NYSE Arca, Z = Cboe BZX, V = IEX. */
  exchange: string;
  etf: boolean;
}

/** The NASDAQ Trader symbol directory files shipped in sample/universes (see sources in the universe's file). */
export const LISTING_FILES = {
  nasdaq: 'nasdaq_listed.csv',
  other: 'other_listed.csv',
  nyse: 'nyse_listed.csv',
} as const;

/**
 * Every security of the NASDAQ, "other" (NYSE, NYSE American, NYSE Arca, Cboe, IEX) and NYSE listing files,
 * once each: test issues (Test Issue = Y) are left out, ETFs kept and marked. The NYSE file repeats NYSE rows
 * of the "other" file without the ETF and test columns, so a symbol seen there first keeps the richer row.
 * ACT symbols are turned into the canonical form: a preferred ABR$D becomes ABR.PD (Yahoo ABR-PD; ACP$A
 * stays ACP-PA, which must not read as Paris), a warrant ACHR.W becomes ACHR.WT (Yahoo ACHR-WT); units (.U),
 * rights (.R) and share classes (.A) keep theirs.
 */
export function readListingFiles(dir: string): ListedSecurity[] {
  const out = new Map<string, ListedSecurity>();
  const add = (s: ListedSecurity) => {
    if (!out.has(s.symbol)) out.set(s.symbol, s);
  };
  for (const row of readCsv(join(dir, LISTING_FILES.nasdaq), ['Symbol', 'Security Name', 'Test Issue', 'ETF'])) {
    if (row.Symbol.startsWith('File Creation Time')) continue;
    if (row['Test Issue'] === 'Y') continue;
    const symbol = canonicalActSymbol(row.Symbol, row.file, row.line);
    if (symbol) add({ symbol, name: row['Security Name'], exchange: 'Q', etf: row.ETF === 'Y' });
  }
  for (const row of readCsv(join(dir, LISTING_FILES.other), [
    'ACT Symbol',
    'Security Name',
    'Exchange',
    'ETF',
    'Test Issue',
  ])) {
    if (row['Test Issue'] === 'Y') continue;
    const symbol = canonicalActSymbol(row['ACT Symbol'], row.file, row.line);
    if (symbol) add({ symbol, name: row['Security Name'], exchange: row.Exchange, etf: row.ETF === 'Y' });
  }
  for (const row of readCsv(join(dir, LISTING_FILES.nyse), ['ACT Symbol', 'Company Name'])) {
    const symbol = canonicalActSymbol(row['ACT Symbol'], row.file, row.line);
    if (symbol) add({ symbol, name: row['Company Name'], exchange: 'N', etf: false });
  }
  return [...out.values()];
}

/** ACT/CQS symbol -> canonical symbol; null for a blank cell or a when-issued line. */
export function canonicalActSymbol(act: string, file = 'listing file', line = 0): string | null {
  const text = act.trim();
  // When-issued lines (MKC.V) trade for a few days before a spin-off settles; no source keeps their history,
  // and the dotted V would read as the TSX Venture exchange.
  if (text === '' || text.endsWith('.V')) return null;
  // Spelled the way Yahoo writes them (ABR-PD, ACHR-WT) and then normalised: the dash becomes a dot except
  // where the dotted form would read as a foreign exchange (ACP-PA stays, ACP.PA would be Euronext Paris).
  let s = text;
  const dollar = s.indexOf('$');
  if (dollar > 0) s = `${s.slice(0, dollar)}-P${s.slice(dollar + 1)}`;
  else if (s.endsWith('.W')) s = `${s.slice(0, -2)}-WT`;
  try {
    return normalizeSymbol(s);
  } catch (error) {
    if (error instanceof InvalidSymbolError) {
      throw new UniverseError(`${file}:${line}: symbol "${act}" cannot be read; ${error.message}`);
    }
    throw error;
  }
}

type Row<K extends string> = Record<K, string> & { file: string; line: number };

function readCsv<K extends string>(path: string, columns: readonly K[]): Row<K>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UniverseError(`listing file ${path} cannot be read: ${(error as Error).message}`);
  }
  const lines = text.split(/\r?\n/);
  const header = parseCsvLine(lines[0].replace(/^\uFEFF/, '')).map((h) => h.trim());
  const index = columns.map((c) => {
    const i = header.indexOf(c);
    if (i === -1)
      throw new UniverseError(`${path}:1: no "${c}" column; expected the NASDAQ Trader header (${columns.join(', ')})`);
    return i;
  });
  const rows: Row<K>[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const fields = parseCsvLine(lines[n]);
    const row = { file: path, line: n + 1 } as Row<K>;
    columns.forEach((c, k) => {
      (row as Record<string, unknown>)[c] = (fields[index[k]] ?? '').trim();
    });
    rows.push(row);
  }
  return rows;
}
