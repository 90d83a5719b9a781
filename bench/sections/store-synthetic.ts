import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TickerWrite } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { atMost, type BenchSection, info, median, percentile } from '../bench-section.js';
import { oneDayWrite, SYNTHETIC_END } from '../support/synthetic-market.js';

const TICKERS = Number(process.env.BENCH_SYNTHETIC_TICKERS ?? 10_000);
const DAYS = Number(process.env.BENCH_SYNTHETIC_DAYS ?? 2_520);

/**
 * The SQLite store at whole-market scale on synthetic data: bulk write, full load of every bar into typed
 * arrays (what analysis does), one-ticker reads (what a ticker page does) and appending one day to every
 * ticker in one transaction (the daily update). BENCH_SYNTHETIC_TICKERS / _DAYS shrink it for a quick run.
 */
export const storeSyntheticBench: BenchSection = {
  name: 'store-synthetic',
  description: `SQLite store on a synthetic market (${TICKERS} tickers x ${DAYS} days): write, full load, reads, append`,
  async run(ctx) {
    const path = join(ctx.tmpDir, 'synthetic.db');
    let store = await SqliteStore.open(path);
    ctx.log(`generating ${TICKERS} x ${DAYS} into ${path}`);
    const gen = await generateUniverse(store, { tickers: TICKERS, days: DAYS, seed: 42, endDate: SYNTHETIC_END });
    await store.close();
    store = await SqliteStore.open(path);
    const sizeBytes = (await store.info()).sizeBytes;

    ctx.log('full load');
    let t0 = performance.now();
    let loadedBars = 0;
    let loadedTickers = 0;
    let checksum = 0;
    for await (const s of store.bars.readAll()) {
      loadedTickers++;
      loadedBars += s.dates.length;
      checksum += s.close[s.close.length - 1];
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    if (loadedBars !== gen.bars) throw new Error(`full load saw ${loadedBars} bars, expected ${gen.bars}`);

    ctx.log('one-ticker reads');
    const symbols = await store.tickers.symbolsWithBars();
    const rng = new SeededRandom(7);
    const samples: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const symbol = rng.pick(symbols);
      const t = performance.now();
      const s = await store.bars.read(symbol);
      samples.push(performance.now() - t);
      if (!s || s.dates.length !== DAYS) throw new Error(`read ${symbol} returned ${s?.dates.length} bars`);
    }

    ctx.log('append one day to every ticker');
    const writes: TickerWrite[] = [];
    for (const symbol of symbols) writes.push(oneDayWrite(symbol, 10 + rng.next() * 100, 1e6));
    t0 = performance.now();
    const results = await store.bars.writeTickers(writes);
    const appendSeconds = (performance.now() - t0) / 1000;
    if (results.some((r) => r.barsAdded !== 1)) throw new Error('append did not add exactly one bar per ticker');
    t0 = performance.now();
    await store.bars.writeTickers(writes);
    const reappendSeconds = (performance.now() - t0) / 1000;
    await store.close();

    return {
      figures: [
        info('generate + write', gen.seconds, 's', `${(gen.bars / gen.seconds / 1e6).toFixed(2)} M bars/s`),
        info('file size', sizeBytes / 2 ** 20, 'MiB', `${(sizeBytes / gen.bars).toFixed(1)} bytes/bar`),
        atMost('full load into typed arrays', loadSeconds, 's', 3, `${loadedTickers} tickers, ${loadedBars} bars`),
        atMost('one-ticker read p50', median(samples), 'ms', 1, `${DAYS} bars, 1,000 random tickers`),
        info('one-ticker read p99', percentile(samples, 99), 'ms'),
        atMost('append one day to all tickers', appendSeconds, 's', 1, `${symbols.length} tickers, one transaction`),
        info('re-append the same day (no change)', reappendSeconds, 's'),
      ],
      details: { ...gen, sizeBytes, loadSeconds, readSamplesMs: samples, appendSeconds, reappendSeconds, checksum },
    };
  },
};
