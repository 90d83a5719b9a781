import type Database from 'better-sqlite3';
import type { Quote, StoredQuote } from '../../domain/quote.js';
import {
  QUOTE_COLUMNS as COLUMNS,
  type QuoteRow,
  quoteParams as toParams,
  quoteFromRow as toQuote,
} from '../quote-row.js';
import type { QuoteRepo } from '../store.js';
import { toMs } from '../store-values.js';
import { immediateTransaction } from './immediate-transaction.js';

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
