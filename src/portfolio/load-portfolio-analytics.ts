import { type Portfolio, portfolioSymbols } from '../domain/portfolio.js';

export { portfolioSymbols };

import type { Store } from '../store/store.js';
import {
  type ClosePath,
  computePortfolioAnalytics,
  type PortfolioAnalytics,
  type PortfolioAnalyticsInput,
} from './compute-portfolio-analytics.js';

/** A portfolio of no such name; the CLI and the API name the portfolios there are. */
export class UnknownPortfolioError extends Error {
  constructor(
    readonly portfolio: string,
    known: readonly string[],
  ) {
    super(
      `no portfolio named "${portfolio}"; ${known.length > 0 ? `stored: ${known.join(', ')}` : 'none is stored yet'} (marketdeck portfolio import FILE --name N)`,
    );
    this.name = 'UnknownPortfolioError';
  }
}

export async function requirePortfolio(store: Store, name: string): Promise<Portfolio> {
  const portfolio = await store.portfolios.get(name);
  if (!portfolio)
    throw new UnknownPortfolioError(
      name,
      (await store.portfolios.list()).map((p) => p.name),
    );
  return portfolio;
}

/** Reads the stored closes and sectors a portfolio needs, then computes its figures. */
export async function loadPortfolioAnalytics(
  store: Store,
  portfolio: Portfolio,
  opts: Omit<PortfolioAnalyticsInput, 'portfolio' | 'series' | 'sectors'> = {},
): Promise<PortfolioAnalytics> {
  const { holdings, fx } = portfolioSymbols(portfolio);
  const benchmark = opts.benchmark ?? 'SPY';
  const wanted = [...new Set([...holdings, ...fx, benchmark])];
  const first = portfolio.transactions[0]?.date;
  // A year before the first trade leaves the moving average and one-year high of the underperformer rules whole.
  const from = first === undefined ? undefined : first - 400;
  let series: Map<string, ClosePath>;
  if (store.bars.readCloses) series = await store.bars.readCloses(wanted, { from });
  else {
    series = new Map();
    for (const symbol of wanted) {
      const bars = await store.bars.read(symbol, { from });
      if (bars) series.set(symbol, { dates: bars.dates, close: bars.close });
    }
  }
  const sectors = new Map<string, string>();
  for (const symbol of holdings) {
    const info = await store.tickers.get(symbol);
    if (info?.sector) sectors.set(symbol, info.sector);
  }
  return computePortfolioAnalytics({ ...opts, portfolio, series, sectors });
}
