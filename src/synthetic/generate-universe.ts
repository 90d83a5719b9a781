import { type EpochDay, todayUtc } from '../domain/epoch-day.js';
import type { Store, TickerWrite } from '../store/store.js';
import { GICS_SECTORS } from './gics-sectors.js';
import { generateMarketFactors } from './market-factors.js';
import { streamSeed } from './seeded-random.js';
import { generateSyntheticTicker } from './synthetic-ticker.js';
import { weekdayCalendar } from './weekday-calendar.js';

export interface GenerateUniverseOptions {
  tickers: number;
  /** Trading days per ticker (weekdays ending at endDate). */
  days: number;
  seed?: number;
  /** Last trading day; default today (UTC), moved back to a Friday on weekends. */
  endDate?: EpochDay;
  /** Tickers per store transaction: large enough to amortise a commit, small enough to bound memory. */
  batchSize?: number;
  /** The universe the tickers are listed in. */
  universe?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateUniverseResult {
  tickers: number;
  bars: number;
  firstDate: EpochDay | null;
  lastDate: EpochDay | null;
  splits: number;
  dividends: number;
  seconds: number;
}

/**
 * Writes a whole synthetic market into the store: symbols S0001, S0002 ... each with a realistic daily
 * history (see generateSyntheticTicker), listed in the 'synthetic' universe. Deterministic: the same
 * seed, size and end date give the same bytes, and every ticker is written in 'replace' mode, so running
 * it again changes nothing. Used for demos, tests and benchmarks at whole-market scale without network.
 */
export async function generateUniverse(store: Store, opts: GenerateUniverseOptions): Promise<GenerateUniverseResult> {
  const started = performance.now();
  const { tickers, days } = opts;
  if (!Number.isInteger(tickers) || tickers < 1) {
    throw new RangeError(`tickers ${tickers} is not valid; expected an integer >= 1`);
  }
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days ${days} is not valid; expected an integer >= 1`);
  const seed = opts.seed ?? 1;
  const dates = weekdayCalendar(opts.endDate ?? todayUtc(), days);
  const factors = generateMarketFactors(streamSeed(seed, -1), days, GICS_SECTORS.length);
  const width = Math.max(4, String(tickers).length);
  const batchSize = opts.batchSize ?? 200;
  let splits = 0;
  let dividends = 0;
  const symbols: string[] = [];
  for (let first = 1; first <= tickers; first += batchSize) {
    const writes: TickerWrite[] = [];
    for (let i = first; i < first + batchSize && i <= tickers; i++) {
      const t = generateSyntheticTicker(i, seed, dates, factors, width);
      const { symbol, ...info } = t.info;
      symbols.push(symbol);
      splits += t.splits.length;
      dividends += t.dividends.length;
      writes.push({ symbol, info, bars: t.bars, mode: 'replace', dividends: t.dividends, splits: t.splits });
    }
    await store.bars.writeTickers(writes);
    opts.onProgress?.(Math.min(tickers, first + batchSize - 1), tickers);
  }
  await store.universes.set(
    opts.universe ?? 'synthetic',
    symbols.map((symbol) => ({ symbol })),
    `Synthetic market: ${tickers} tickers x ${days} days, seed ${seed}`,
  );
  return {
    tickers,
    bars: tickers * days,
    firstDate: dates[0] as EpochDay,
    lastDate: dates[days - 1] as EpochDay,
    splits,
    dividends,
    seconds: (performance.now() - started) / 1000,
  };
}
