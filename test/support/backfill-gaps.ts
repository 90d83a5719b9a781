import type { Store } from '../../src/store/store.js';
import { nyseSeries } from '../operations/nyse-series.js';
import type { MarketTestServer } from './market-test-server.js';

/** The days each ticker's series covers in a backfill test: every NYSE trading day of 2024's last quarter. */
export const GAP_SERIES_FROM = '2024-10-01';
export const GAP_SERIES_TO = '2024-12-31';

/**
 * Serves each ticker's whole series from the market test server and stores it without the listed days: the
 * gaps a backfill must find and fill. With no server the tickers are only stored: a source that does not know
 * them (the test server's NONEXIST names) fails their requests. Returns how many days were left out in all.
 */
export async function storeWithGaps(
  server: MarketTestServer | null,
  store: Store,
  gaps: Readonly<Record<string, readonly string[]>>,
): Promise<number> {
  let missing = 0;
  for (const [symbol, days] of Object.entries(gaps)) {
    server?.setSeries(symbol, nyseSeries(symbol, GAP_SERIES_FROM, GAP_SERIES_TO));
    await store.bars.writeTicker({ symbol, bars: nyseSeries(symbol, GAP_SERIES_FROM, GAP_SERIES_TO, [...days]) });
    missing += days.length;
  }
  return missing;
}
