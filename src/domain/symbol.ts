/**
 * Ticker symbols, normalised in one place. marketdeck stores the form the S&P lists and the price files use
 * (class shares with a dot: BRK.B, BF.B); Yahoo wants a dash for US class shares (BRK-B) but keeps the dot
 * of a foreign listing's exchange suffix (OCDO.L, WSU.DE). Indices (^GSPC), FX (EURUSD=X) and futures
 * (ES=F) pass through.
 */

const VALID_SYMBOL = /^[A-Z0-9^][A-Z0-9.\-=^&]{0,19}$/;

/** Exchange suffixes Yahoo uses for non-US listings; a dot before one of these is not a share class. */
const YAHOO_EXCHANGE_SUFFIXES = new Set([
  'L',
  'DE',
  'F',
  'PA',
  'AS',
  'BR',
  'MI',
  'MC',
  'SW',
  'VI',
  'ST',
  'OL',
  'CO',
  'HE',
  'IR',
  'LS',
  'WA',
  'AT',
  'TO',
  'V',
  'CN',
  'NE',
  'MX',
  'SA',
  'BA',
  'SN',
  'AX',
  'NZ',
  'HK',
  'T',
  'KS',
  'KQ',
  'TW',
  'TWO',
  'SS',
  'SZ',
  'SI',
  'KL',
  'BK',
  'JK',
  'NS',
  'BO',
  'TA',
  'JO',
  'SR',
  'QA',
  'IS',
  'PR',
  'BD',
  'IL',
  'RG',
  'TL',
  'VS',
  'XC',
]);

export class InvalidSymbolError extends Error {
  constructor(readonly value: string) {
    super(
      `ticker symbol "${value}" is not valid: expected 1-20 characters of A-Z, 0-9 and . - = ^ & (e.g. AAPL, BRK.B, ^GSPC, OCDO.L)`,
    );
    this.name = 'InvalidSymbolError';
  }
}

/** Canonical stored form: trimmed, upper case, US class shares with a dot. Throws InvalidSymbolError. */
export function normalizeSymbol(raw: string): string {
  const s = raw.trim().toUpperCase();
  if (!VALID_SYMBOL.test(s)) throw new InvalidSymbolError(raw);
  const dash = s.lastIndexOf('-');
  // BRK-B / BF-B (Yahoo's spelling of a class share) become BRK.B / BF.B.
  if (dash > 0 && !s.includes('=') && !s.startsWith('^') && /^[A-Z]{1,2}$/.test(s.slice(dash + 1))) {
    const suffix = s.slice(dash + 1);
    if (!YAHOO_EXCHANGE_SUFFIXES.has(suffix) || suffix.length === 1) return `${s.slice(0, dash)}.${suffix}`;
  }
  return s;
}

/** The symbol as Yahoo's chart and quote endpoints expect it. */
export function toYahooSymbol(symbol: string): string {
  const s = normalizeSymbol(symbol);
  const dot = s.lastIndexOf('.');
  if (dot > 0) {
    const suffix = s.slice(dot + 1);
    // A one-letter suffix on a US-style root is a share class (BRK.B -> BRK-B); longer known suffixes are exchanges.
    if (suffix.length === 1 && suffix !== 'L' && suffix !== 'F' && suffix !== 'V' && suffix !== 'T') {
      return `${s.slice(0, dot)}-${suffix}`;
    }
    if (!YAHOO_EXCHANGE_SUFFIXES.has(suffix)) return `${s.slice(0, dot)}-${suffix}`;
  }
  return s;
}

/** Parses a comma or whitespace separated list of symbols, normalised and de-duplicated in order. */
export function parseSymbolList(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue;
    const sym = normalizeSymbol(part);
    if (!seen.has(sym)) {
      seen.add(sym);
      out.push(sym);
    }
  }
  return out;
}
