import type { EpochDay } from './epoch-day.js';

/** What is known about a listed instrument; every field but the symbol may be unknown. */
export interface TickerInfo {
  symbol: string;
  name?: string | null;
  exchange?: string | null;
  currency?: string | null;
  /** EQUITY, ETF, INDEX, MUTUALFUND, CURRENCY, FUTURE, CRYPTOCURRENCY ... as the source names it. */
  type?: string | null;
  sector?: string | null;
  industry?: string | null;
  marketCap?: number | null;
  firstDate?: EpochDay | null;
  lastDate?: EpochDay | null;
}

export interface Dividend {
  date: EpochDay;
  /** Cash amount per share, in the ticker's currency. */
  amount: number;
}

export interface Split {
  date: EpochDay;
  /** A 4-for-1 split is numerator 4, denominator 1. */
  numerator: number;
  denominator: number;
}
