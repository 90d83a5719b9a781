import type Database from 'better-sqlite3';
import type { TickerInfo } from '../../domain/ticker.js';
import type { TickerRepo } from '../store.js';
import { TICKER_COLUMNS as COLUMNS, type TickerRow, tickerFromRow as toInfo } from '../ticker-row.js';
import { immediateTransaction } from './immediate-transaction.js';

export class SqliteTickerRepo implements TickerRepo {
  private readonly upsertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], TickerRow>;
  private readonly listStmt: Database.Statement<[], TickerRow>;
  private readonly withBarsStmt: Database.Statement<[], string>;
  private readonly upsertMany: (infos: readonly TickerInfo[]) => void;

  constructor(db: Database.Database) {
    // A null parameter keeps the stored value: sources know different fields and must not erase each other's.
    this.upsertStmt = db.prepare(`
      INSERT INTO tickers (${COLUMNS})
      VALUES (@symbol, @name, @exchange, @currency, @type, @sector, @industry, @marketCap, @firstDate, @lastDate)
      ON CONFLICT (symbol) DO UPDATE SET
        name = coalesce(excluded.name, name),
        exchange = coalesce(excluded.exchange, exchange),
        currency = coalesce(excluded.currency, currency),
        type = coalesce(excluded.type, type),
        sector = coalesce(excluded.sector, sector),
        industry = coalesce(excluded.industry, industry),
        market_cap = coalesce(excluded.market_cap, market_cap),
        -- once bars are stored, their own range is the truth about first and last date
        first_date = CASE WHEN bar_count > 0 THEN first_date ELSE coalesce(excluded.first_date, first_date) END,
        last_date = CASE WHEN bar_count > 0 THEN last_date ELSE coalesce(excluded.last_date, last_date) END`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM tickers WHERE symbol = ?`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM tickers ORDER BY symbol`);
    this.withBarsStmt = db
      .prepare<[], string>('SELECT symbol FROM tickers WHERE bar_count > 0 ORDER BY symbol')
      .pluck();
    this.upsertMany = immediateTransaction(db, (infos: readonly TickerInfo[]) => {
      for (const info of infos) this.upsertOne(info);
    });
  }

  /** Upsert without a transaction of its own, for callers already inside one (ticker writes). */
  upsertOne(info: TickerInfo): void {
    if (typeof info.symbol !== 'string' || info.symbol === '') {
      throw new TypeError(`ticker symbol ${JSON.stringify(info.symbol)} is not valid; expected a non-empty string`);
    }
    this.upsertStmt.run({
      symbol: info.symbol,
      name: info.name ?? null,
      exchange: info.exchange ?? null,
      currency: info.currency ?? null,
      type: info.type ?? null,
      sector: info.sector ?? null,
      industry: info.industry ?? null,
      marketCap: info.marketCap ?? null,
      firstDate: info.firstDate ?? null,
      lastDate: info.lastDate ?? null,
    });
  }

  async upsert(infos: readonly TickerInfo[]): Promise<void> {
    this.upsertMany(infos);
  }

  async get(symbol: string): Promise<TickerInfo | null> {
    const row = this.getStmt.get(symbol);
    return row ? toInfo(row) : null;
  }

  async list(): Promise<TickerInfo[]> {
    return this.listStmt.all().map(toInfo);
  }

  async symbolsWithBars(): Promise<string[]> {
    return this.withBarsStmt.all();
  }
}
