import type { Quote, StoredQuote } from '../../domain/quote.js';
import { QUOTE_COLUMNS, type QuoteRow, quoteFromRow, quoteParams } from '../quote-row.js';
import type { QuoteRepo } from '../store.js';
import { toMs } from '../store-values.js';
import type { PgDb } from './pg-db.js';

const FIELDS = QUOTE_COLUMNS.split(', ');
const PARAM_OF: Record<string, string> = {
  quote_type: 'quoteType',
  market_cap: 'marketCap',
  trailing_pe: 'trailingPE',
  forward_pe: 'forwardPE',
  dividend_yield: 'dividendYield',
  fifty_two_week_high: 'fiftyTwoWeekHigh',
  fifty_two_week_low: 'fiftyTwoWeekLow',
  average_volume: 'averageVolume',
  shares_outstanding: 'sharesOutstanding',
  fetched_at: 'fetchedAt',
};
const TEXT_FIELDS = new Set(['symbol', 'name', 'exchange', 'currency', 'quote_type']);
const ARRAY_TYPES = FIELDS.map((f) => (TEXT_FIELDS.has(f) ? 'text[]' : f === 'fetched_at' ? 'int8[]' : 'float8[]'));

export class PgQuoteRepo implements QuoteRepo {
  constructor(private readonly db: PgDb) {}

  /** The whole row is replaced: a field the source no longer sends is no longer known. One statement per batch. */
  async upsert(quotes: readonly Quote[], at: Date): Promise<void> {
    const ms = toMs(at);
    if (ms === null) throw new TypeError('a quote fetch time is required; got none');
    const bySymbol = new Map(quotes.map((q) => [q.symbol, quoteParams(q, ms)]));
    if (bySymbol.size === 0) return;
    const rows = [...bySymbol.values()];
    const columns = FIELDS.map((f) => rows.map((r) => r[PARAM_OF[f] ?? f]));
    await this.db.tx(async (sql) => {
      await sql.query(
        `INSERT INTO quotes (${QUOTE_COLUMNS})
         SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}`).join(', ')})
         ON CONFLICT (symbol) DO UPDATE SET ${FIELDS.slice(1)
           .map((f) => `${f} = excluded.${f}`)
           .join(', ')}`,
        columns,
      );
      // Only an existing ticker is touched, keeping what the quote does not know.
      await sql.query(
        `UPDATE tickers t SET
           name = coalesce(q.name, t.name), exchange = coalesce(q.exchange, t.exchange),
           currency = coalesce(q.currency, t.currency), type = coalesce(q.quote_type, t.type),
           market_cap = coalesce(q.market_cap, t.market_cap)
         FROM quotes q WHERE q.symbol = t.symbol AND q.symbol = ANY($1::text[])`,
        [[...bySymbol.keys()]],
      );
    });
  }

  async get(symbol: string): Promise<StoredQuote | null> {
    const { rows } = await this.db.query<QuoteRow>(`SELECT ${QUOTE_COLUMNS} FROM quotes WHERE symbol = $1`, [symbol]);
    return rows[0] ? quoteFromRow(rows[0]) : null;
  }

  async list(): Promise<StoredQuote[]> {
    const { rows } = await this.db.query<QuoteRow>(`SELECT ${QUOTE_COLUMNS} FROM quotes ORDER BY symbol COLLATE "C"`);
    return rows.map(quoteFromRow);
  }
}
