import type { EpochDay } from './epoch-day.js';

/**
 * What happened in a portfolio, one dated event each. A holdings file becomes one buy per holding.
 * `quantity` and `price` follow the Ghostfolio activity convention: a buy or sell of `quantity` shares at
 * `price` each; a dividend of `price` per share on `quantity` shares (cash = quantity x price); a split
 * whose `quantity` is the ratio (4 for a 4-for-1 split) and whose price is 0.
 */
export type TransactionType = 'buy' | 'sell' | 'dividend' | 'split';

export const TRANSACTION_TYPES: readonly TransactionType[] = ['buy', 'sell', 'dividend', 'split'];

export interface PortfolioTransaction {
  /** The exchange date of the trade. */
  date: EpochDay;
  symbol: string;
  type: TransactionType;
  quantity: number;
  /** Per share, in `currency`. */
  price: number;
  /** In `currency`; added to a buy's cost and taken from a sell's proceeds. */
  fees: number;
  /** ISO 4217 code of the price and fees (USD, EUR, ...). */
  currency: string;
}

export interface Portfolio {
  name: string;
  /** The currency every figure is reported in; holdings in others are converted with daily FX bars. */
  baseCurrency: string;
  /** Where the transactions came from (the imported file), for `marketdeck portfolio`. */
  source: string | null;
  /** Ascending by date; the order of a file is kept within a day. */
  transactions: PortfolioTransaction[];
  updatedAt: Date;
}

/** One named portfolio in a listing. */
export interface PortfolioSummary {
  name: string;
  baseCurrency: string;
  source: string | null;
  transactions: number;
  symbols: number;
  updatedAt: Date;
}

/** The FX pair Yahoo quotes as units of `to` per unit of `from` (EURUSD=X: dollars per euro). */
export function fxSymbol(from: string, to: string): string {
  return `${from}${to}=X`;
}

/** The symbols a portfolio's figures read: its holdings, then the FX pairs its other currencies need. */
export function portfolioSymbols(portfolio: Portfolio): { holdings: string[]; fx: string[] } {
  const holdings = [...new Set(portfolio.transactions.map((t) => t.symbol))];
  const currencies = new Set(portfolio.transactions.map((t) => t.currency));
  currencies.delete(portfolio.baseCurrency);
  return { holdings, fx: [...currencies].map((c) => fxSymbol(c, portfolio.baseCurrency)) };
}
