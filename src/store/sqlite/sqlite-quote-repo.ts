import type Database from 'better-sqlite3';
import type { Quote, StoredQuote } from '../../domain/quote.js';
import type { QuoteRepo } from '../store.js';
import { immediateTransaction } from './immediate-transaction.js';
import { toMs } from './sqlite-values.js';

interface QuoteRow {
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

const COLUMNS =
  'symbol, name, exchange, currency, quote_type, price, market_cap, trailing_pe, forward_pe, eps, dividend_yield, ' +
  'fifty_two_week_high, fifty_two_week_low, average_volume, shares_outstanding, fetched_at';

export class SqliteQuoteRepo implements QuoteRepo {
  private readonly putStmt: Database.Statement;
  private readonly tickerStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], QuoteRow>;
  private readonly listStmt: Database.Statement<[], QuoteRow>;
  private readonly upsertTx: (quotes: readonly Quote[], at: number) => void;

  constructor(db: Database.Database) {
    // The whole row is replaced: a field the source no longer sends is no longer known.
    this.putStmt = db.prepare(`
      INSERT INTO quotes (${COLUMNS})
      VALUES (@symbol, @name, @exchange, @currency, @quoteType, @price, @marketCap, @trailingPE, @forwardPE, @eps,
              @dividendYield, @fiftyTwoWeekHigh, @fiftyTwoWeekLow, @averageVolume, @sharesOutstanding, @fetchedAt)
      ON CONFLICT (symbol) DO UPDATE SET
        name = excluded.name,
        exchange = excluded.exchange,
        currency = excluded.currency,
        quote_type = excluded.quote_type,
        price = excluded.price,
        market_cap = excluded.market_cap,
        trailing_pe = excluded.trailing_pe,
        forward_pe = excluded.forward_pe,
        eps = excluded.eps,
        dividend_yield = excluded.dividend_yield,
        fifty_two_week_high = excluded.fifty_two_week_high,
        fifty_two_week_low = excluded.fifty_two_week_low,
        average_volume = excluded.average_volume,
        shares_outstanding = excluded.shares_outstanding,
        fetched_at = excluded.fetched_at`);
    // The ticker keeps what the quote does not know (as TickerRepo.upsert does), and only an existing ticker
    // is touched: a quote alone does not make a symbol part of the stored market.
    this.tickerStmt = db.prepare(`
      UPDATE tickers SET
        name = coalesce(@name, name),
        exchange = coalesce(@exchange, exchange),
        currency = coalesce(@currency, currency),
        type = coalesce(@quoteType, type),
        market_cap = coalesce(@marketCap, market_cap)
      WHERE symbol = @symbol`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM quotes WHERE symbol = ?`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM quotes ORDER BY symbol`);
    this.upsertTx = immediateTransaction(db, (quotes: readonly Quote[], at: number) => {
      for (const q of quotes) {
        const params = toParams(q, at);
        this.putStmt.run(params);
        this.tickerStmt.run(params);
      }
    });
  }

  async upsert(quotes: readonly Quote[], at: Date): Promise<void> {
    const ms = toMs(at);
    if (ms === null) throw new TypeError('a quote fetch time is required; got none');
    this.upsertTx(quotes, ms);
  }

  async get(symbol: string): Promise<StoredQuote | null> {
    const row = this.getStmt.get(symbol);
    return row ? toQuote(row) : null;
  }

  async list(): Promise<StoredQuote[]> {
    return this.listStmt.all().map(toQuote);
  }
}

function toParams(q: Quote, fetchedAt: number): Record<string, string | number | null> {
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

function toQuote(r: QuoteRow): StoredQuote {
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
