import type { EpochDay } from '../domain/epoch-day.js';
import type { Portfolio, PortfolioSummary, PortfolioTransaction } from '../domain/portfolio.js';
import type { PortfolioRepo } from './store.js';

/** A portfolio's columns, as every adapter keeps them. */
export interface PortfolioRow {
  name: string;
  base_currency: string;
  source: string | null;
  updated_at: number;
}

/** A transaction row: the domain's fields, with the date a plain integer column. */
export type TransactionRow = Omit<PortfolioTransaction, 'date'> & { date: number };

export type PortfolioPut = Parameters<PortfolioRepo['put']>[0];

export function checkPortfolioName(name: string): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`portfolio name ${JSON.stringify(name)} is not valid; expected a non-empty string`);
  }
}

export function portfolioFromRows(row: PortfolioRow, transactions: readonly TransactionRow[]): Portfolio {
  return {
    name: row.name,
    baseCurrency: row.base_currency,
    source: row.source,
    transactions: transactions.map((t) => ({ ...t, date: t.date as EpochDay })),
    updatedAt: new Date(row.updated_at),
  };
}

export function portfolioSummaryFromRow(r: PortfolioRow & { transactions: number; symbols: number }): PortfolioSummary {
  return {
    name: r.name,
    baseCurrency: r.base_currency,
    source: r.source,
    transactions: r.transactions,
    symbols: r.symbols,
    updatedAt: new Date(r.updated_at),
  };
}
