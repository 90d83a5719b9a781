import type { TickerInfo } from '../../domain/ticker.js';
import type { TickerRepo } from '../store.js';
import { TICKER_COLUMNS, type TickerRow, tickerFromRow } from '../ticker-row.js';
import type { PgDb, Sql } from './pg-db.js';

// A null parameter keeps the stored value: sources know different fields and must not erase each other's.
// Many tickers go in one statement (arrays unnested into rows), a round trip per batch instead of per ticker.
const UPSERT = `
  INSERT INTO tickers AS t (symbol, name, exchange, currency, type, sector, industry, market_cap, first_date, last_date)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::float8[], $9::int[], $10::int[])
  ON CONFLICT (symbol) DO UPDATE SET
    name = coalesce(excluded.name, t.name),
    exchange = coalesce(excluded.exchange, t.exchange),
    currency = coalesce(excluded.currency, t.currency),
    type = coalesce(excluded.type, t.type),
    sector = coalesce(excluded.sector, t.sector),
    industry = coalesce(excluded.industry, t.industry),
    market_cap = coalesce(excluded.market_cap, t.market_cap),
    first_date = CASE WHEN t.bar_count > 0 THEN t.first_date ELSE coalesce(excluded.first_date, t.first_date) END,
    last_date = CASE WHEN t.bar_count > 0 THEN t.last_date ELSE coalesce(excluded.last_date, t.last_date) END`;

export class PgTickerRepo implements TickerRepo {
  constructor(private readonly db: PgDb) {}

  /** Upserts inside the caller's transaction (ticker writes) or on its own. */
  async upsertIn<R extends object = never>(sql: Sql, infos: readonly TickerInfo[], returning?: string): Promise<R[]> {
    if (infos.length === 0) return [];
    // The last of several infos of one symbol wins, as one-by-one upserts would leave it.
    const merged = new Map<string, TickerInfo>();
    for (const info of infos) {
      if (typeof info.symbol !== 'string' || info.symbol === '') {
        throw new TypeError(`ticker symbol ${JSON.stringify(info.symbol)} is not valid; expected a non-empty string`);
      }
      const old = merged.get(info.symbol);
      merged.set(info.symbol, old ? { ...old, ...definedFields(info) } : info);
    }
    const rows = [...merged.values()];
    const col = <K extends keyof TickerInfo>(k: K) => rows.map((r) => r[k] ?? null);
    // RETURNING hands a ticker write its row, locked by the upsert, without a second round trip.
    const { rows: out } = await sql.query(returning ? `${UPSERT} RETURNING ${returning}` : UPSERT, [
      col('symbol'),
      col('name'),
      col('exchange'),
      col('currency'),
      col('type'),
      col('sector'),
      col('industry'),
      col('marketCap'),
      col('firstDate'),
      col('lastDate'),
    ]);
    return out as R[];
  }

  async upsert(infos: readonly TickerInfo[]): Promise<void> {
    await this.upsertIn(this.db, infos);
  }

  async get(symbol: string): Promise<TickerInfo | null> {
    const { rows } = await this.db.query<TickerRow>(`SELECT ${TICKER_COLUMNS} FROM tickers WHERE symbol = $1`, [
      symbol,
    ]);
    return rows[0] ? tickerFromRow(rows[0]) : null;
  }

  async list(): Promise<TickerInfo[]> {
    const { rows } = await this.db.query<TickerRow>(
      `SELECT ${TICKER_COLUMNS} FROM tickers ORDER BY symbol COLLATE "C"`,
    );
    return rows.map(tickerFromRow);
  }

  async symbolsWithBars(): Promise<string[]> {
    const { rows } = await this.db.query<{ symbol: string }>(
      'SELECT symbol FROM tickers WHERE bar_count > 0 ORDER BY symbol COLLATE "C"',
    );
    return rows.map((r) => r.symbol);
  }
}

function definedFields(info: TickerInfo): Partial<TickerInfo> {
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== null && v !== undefined));
}
