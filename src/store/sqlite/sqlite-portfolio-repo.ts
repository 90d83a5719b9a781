import type Database from 'better-sqlite3';
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
import { immediateTransaction } from './immediate-transaction.js';

/** The prepared statements behind SqlitePortfolioRepo, made on first use. */
class PortfolioStatements implements PortfolioRepo {
  private readonly putTx: (p: PortfolioPut) => void;
  private readonly getStmt: Database.Statement<[string], PortfolioRow>;
  private readonly txStmt: Database.Statement<[string], TransactionRow>;
  private readonly listStmt: Database.Statement<[], PortfolioRow & { transactions: number; symbols: number }>;

  constructor(db: Database.Database) {
    const putPortfolio = db.prepare<[string, string, string | null, number]>(`
      INSERT INTO portfolios (name, base_currency, source, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET
        base_currency = excluded.base_currency, source = excluded.source, updated_at = excluded.updated_at`);
    const clear = db.prepare<[string]>('DELETE FROM portfolio_transactions WHERE portfolio = ?');
    const putTransaction = db.prepare(`
      INSERT INTO portfolio_transactions (portfolio, position, date, symbol, type, quantity, price, fees, currency)
      VALUES (@portfolio, @position, @date, @symbol, @type, @quantity, @price, @fees, @currency)`);
    this.putTx = immediateTransaction(db, (p: PortfolioPut) => {
      checkPortfolioName(p.name);
      putPortfolio.run(p.name, p.baseCurrency, p.source ?? null, Date.now());
      clear.run(p.name);
      p.transactions.forEach((t, position) => {
        putTransaction.run({ portfolio: p.name, position, ...t });
      });
    });
    this.getStmt = db.prepare('SELECT * FROM portfolios WHERE name = ?');
    this.txStmt = db.prepare(`
      SELECT date, symbol, type, quantity, price, fees, currency FROM portfolio_transactions
      WHERE portfolio = ? ORDER BY date, position`);
    this.listStmt = db.prepare(`
      SELECT p.*, count(t.position) AS transactions, count(DISTINCT t.symbol) AS symbols
      FROM portfolios p LEFT JOIN portfolio_transactions t ON t.portfolio = p.name
      GROUP BY p.name ORDER BY p.name`);
  }

  async put(portfolio: PortfolioPut): Promise<void> {
    this.putTx(portfolio);
  }

  async get(name: string): Promise<Portfolio | null> {
    const row = this.getStmt.get(name);
    if (!row) return null;
    return portfolioFromRows(row, this.txStmt.all(name));
  }

  async list(): Promise<PortfolioSummary[]> {
    return this.listStmt.all().map(portfolioSummaryFromRow);
  }
}

/**
 * Portfolios in the SQLite file. Its statements are prepared on first use: the tables arrive with
 * migration 8, and a store opened at an older schema (a migration test building an old file) never touches them.
 */
export class SqlitePortfolioRepo implements PortfolioRepo {
  private statements?: PortfolioStatements;

  constructor(private readonly db: Database.Database) {}

  private get s(): PortfolioStatements {
    this.statements ??= new PortfolioStatements(this.db);
    return this.statements;
  }

  put(portfolio: PortfolioPut): Promise<void> {
    return this.s.put(portfolio);
  }

  get(name: string): Promise<Portfolio | null> {
    return this.s.get(name);
  }

  list(): Promise<PortfolioSummary[]> {
    return this.s.list();
  }
}
