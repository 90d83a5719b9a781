import type { Quote, StoredQuote } from '../domain/quote.js';

/** A stored quote's columns, as every adapter keeps them. */
export interface QuoteRow {
  symbol: string;
  name: string | null;
  exchange: string | null;
  currency: string | null;
  quote_type: string | null;
  price: number | null;
  market_cap: number | null;
  trailing_pe: number | null;
  forward_pe: number | null;
  eps: number | null;
  dividend_yield: number | null;
  fifty_two_week_high: number | null;
  fifty_two_week_low: number | null;
  average_volume: number | null;
  shares_outstanding: number | null;
  fetched_at: number;
}

export const QUOTE_COLUMNS =
  'symbol, name, exchange, currency, quote_type, price, market_cap, trailing_pe, forward_pe, eps, dividend_yield, ' +
  'fifty_two_week_high, fifty_two_week_low, average_volume, shares_outstanding, fetched_at';

/** The named parameters of one quote row; throws on a quote without a symbol. */
export function quoteParams(q: Quote, fetchedAt: number): Record<string, string | number | null> {
  if (typeof q.symbol !== 'string' || q.symbol === '') {
    throw new TypeError(`quote symbol ${JSON.stringify(q.symbol)} is not valid; expected a non-empty string`);
  }
  return {
    symbol: q.symbol,
    name: text(q.name),
    exchange: text(q.exchange),
    currency: text(q.currency),
    quoteType: text(q.quoteType),
    price: num(q.price),
    marketCap: num(q.marketCap),
    trailingPE: num(q.trailingPE),
    forwardPE: num(q.forwardPE),
    eps: num(q.eps),
    dividendYield: num(q.dividendYield),
    fiftyTwoWeekHigh: num(q.fiftyTwoWeekHigh),
    fiftyTwoWeekLow: num(q.fiftyTwoWeekLow),
    averageVolume: num(q.averageVolume),
    sharesOutstanding: num(q.sharesOutstanding),
    fetchedAt,
  };
}

/** A number the quote really has: NaN and infinities (which SQLite would keep as NULL or a huge REAL) are unknown. */
function num(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function text(v: string | null | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function quoteFromRow(r: QuoteRow): StoredQuote {
  return {
    symbol: r.symbol,
    name: r.name,
    exchange: r.exchange,
    currency: r.currency,
    quoteType: r.quote_type,
    price: r.price,
    marketCap: r.market_cap,
    trailingPE: r.trailing_pe,
    forwardPE: r.forward_pe,
    eps: r.eps,
    dividendYield: r.dividend_yield,
    fiftyTwoWeekHigh: r.fifty_two_week_high,
    fiftyTwoWeekLow: r.fifty_two_week_low,
    averageVolume: r.average_volume,
    sharesOutstanding: r.shares_outstanding,
    fetchedAt: new Date(r.fetched_at),
  };
}
