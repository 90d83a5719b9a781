/**
 * The latest quote of a listed instrument (Yahoo's v7 quote): what the screener shows besides the bars'
 * own indicators. Every field but the symbol may be unknown: loss makers have no P/E, funds no EPS.
 */
export interface Quote {
  symbol: string;
  name?: string | null;
  exchange?: string | null;
  currency?: string | null;
  /** EQUITY, ETF, INDEX, MUTUALFUND ... as the source names it (the ticker's `type`). */
  quoteType?: string | null;
  price?: number | null;
  marketCap?: number | null;
  trailingPE?: number | null;
  forwardPE?: number | null;
  /** Earnings per share over the trailing twelve months. */
  eps?: number | null;
  /** A fraction (0.0041 = 0.41 %); Yahoo's v7 quote sends `dividendYield` in percent and it is divided by 100. */
  dividendYield?: number | null;
  fiftyTwoWeekHigh?: number | null;
  fiftyTwoWeekLow?: number | null;
  /** Mean daily volume over the last three months. */
  averageVolume?: number | null;
  sharesOutstanding?: number | null;
}

/** A quote as the store keeps it: every field present (null when the source did not send it) and when it was fetched. */
export type StoredQuote = Required<Quote> & { fetchedAt: Date };
