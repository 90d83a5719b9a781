import { isoFromDay } from '../domain/epoch-day.js';
import { SAMPLE_UNIVERSE } from '../sources/csv/bundled-sample.js';
import type { Store } from '../store/store.js';
import { sampleSymbols } from './sample-symbols.js';

/**
 * What data the store holds, in words a page can show: how many tickers over which dates, and whether
 * (or how much of) it is the bundled sample, so sample prices from 2013-2018 are never taken for today's.
 */
export interface DataSetDescription {
  tickers: number;
  bars: number;
  from: string | null;
  to: string | null;
  /**
   * Set when the bundled sample was imported; `allSample` when nothing else is stored. `from`/`to` are the
   * sample tickers' own dates, never stretched by other tickers stored beside them.
   */
  sample: {
    tickers: number;
    description: string | null;
    allSample: boolean;
    from: string | null;
    to: string | null;
  } | null;
  /** One line for a page footer or a terminal. */
  notice: string;
}

/** `stillSampleSymbols`, when given, is sampleSymbols(store) as its caller reads it anyway (one read for both). */
export async function describeDataSet(
  store: Pick<Store, 'bars' | 'universes' | 'fetchState'>,
  stillSampleSymbols?: Promise<ReadonlySet<string>>,
): Promise<DataSetDescription> {
  const [stats, universes, stillSample] = await Promise.all([
    store.bars.stats(),
    store.universes.list(),
    stillSampleSymbols ?? sampleSymbols(store),
  ]);
  const from = stats.firstDate === null ? null : isoFromDay(stats.firstDate);
  const to = stats.lastDate === null ? null : isoFromDay(stats.lastDate);
  // Only the tickers whose bars are still the sample's: one fetched again from a real source is not sample data.
  const sampleUniverse = stillSample.size > 0 ? universes.find((u) => u.name === SAMPLE_UNIVERSE) : undefined;
  const allSample = sampleUniverse !== undefined && stats.tickers <= stillSample.size;
  const sampleRange = allSample ? { from, to } : sampleUniverse ? await sampleDates(store, stillSample) : null;
  const sample = sampleUniverse
    ? {
        tickers: stillSample.size,
        description: sampleUniverse.description,
        allSample,
        from: sampleRange?.from ?? null,
        to: sampleRange?.to ?? null,
      }
    : null;
  const range = from === null ? 'no bars stored' : `${stats.tickers} tickers, ${from} .. ${to}`;
  let notice = range;
  if (sample?.allSample) notice = `sample data (bundled real S&P 500 prices): ${range}`;
  else if (sample) {
    notice = `${range}; ${sample.tickers} of the tickers are bundled sample data (${sample.from} .. ${sample.to})`;
  }
  return { tickers: stats.tickers, bars: stats.bars, from, to, sample, notice };
}

/** The first and last bar dates of the sample's own tickers. */
async function sampleDates(
  store: Pick<Store, 'bars'>,
  symbols: ReadonlySet<string>,
): Promise<{ from: string; to: string } | null> {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const symbol of symbols) {
    const bars = await store.bars.read(symbol);
    if (!bars || bars.dates.length === 0) continue;
    first = Math.min(first, bars.dates[0]);
    last = Math.max(last, bars.dates[bars.dates.length - 1]);
  }
  return Number.isFinite(first) ? { from: isoFromDay(first), to: isoFromDay(last) } : null;
}
