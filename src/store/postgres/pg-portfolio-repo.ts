import type { Portfolio, PortfolioSummary } from '../../domain/portfolio.js';
import {
  checkPortfolioName,
  type PortfolioPut,
  type PortfolioRow,
  portfolioFromRows,
  portfolioSummaryFromRow,
  type TransactionRow,
} from '../portfolio-row.js';
import type { PortfolioRepo } from '../store.js';
import type { PgDb } from './pg-db.js';

export class PgPortfolioRepo implements PortfolioRepo {
  constructor(private readonly db: PgDb) {}

  async put(p: PortfolioPut): Promise<void> {
    checkPortfolioName(p.name);
    const t = p.transactions;
    await this.db.tx(async (sql) => {
      await sql.query(
        `INSERT INTO portfolios (name, base_currency, source, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET
           base_currency = excluded.base_currency, source = excluded.source, updated_at = excluded.updated_at`,
        [p.name, p.baseCurrency, p.source ?? null, Date.now()],
      );
      await sql.query('DELETE FROM portfolio_transactions WHERE portfolio = $1', [p.name]);
      await sql.query(
        `INSERT INTO portfolio_transactions (portfolio, position, date, symbol, type, quantity, price, fees, currency)
         SELECT $1, o - 1, d, s, y, q, p, f, c
         FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::text[])
           WITH ORDINALITY AS x(d, s, y, q, p, f, c, o)`,
        [
          p.name,
          t.map((x) => x.date),
          t.map((x) => x.symbol),
          t.map((x) => x.type),
          t.map((x) => x.quantity),
          t.map((x) => x.price),
          t.map((x) => x.fees),
          t.map((x) => x.currency),
        ],
      );
    });
  }

  async get(name: string): Promise<Portfolio | null> {
    const { rows } = await this.db.query<PortfolioRow>('SELECT * FROM portfolios WHERE name = $1', [name]);
    const row = rows[0];
    if (!row) return null;
    const tx = await this.db.query<TransactionRow>(
      `SELECT date, symbol, type, quantity, price, fees, currency FROM portfolio_transactions
       WHERE portfolio = $1 ORDER BY date, position`,
      [name],
    );
    return portfolioFromRows(row, tx.rows);
  }

  async list(): Promise<PortfolioSummary[]> {
    const { rows } = await this.db.query<PortfolioRow & { transactions: number; symbols: number }>(`
      SELECT p.*, count(t.position) AS transactions, count(DISTINCT t.symbol) AS symbols
      FROM portfolios p LEFT JOIN portfolio_transactions t ON t.portfolio = p.name
      GROUP BY p.name ORDER BY p.name COLLATE "C"`);
    return rows.map(portfolioSummaryFromRow);
  }
}
