import { join } from 'node:path';
import { CACHE_KEYS } from '../../src/precompute/cache-keys.js';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import { type PrecomputeSummary, precompute } from '../../src/precompute/precompute.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import {
  atMost,
  type BenchContext,
  type BenchFigure,
  type BenchSection,
  info,
  median,
  percentile,
  sharedPricesFile,
} from '../bench-section.js';
import { analyzeStored, importRealMarket } from '../support/stored-market.js';

const PRECOMPUTE_RUNS = 3;
const OVERVIEW_READS = 1_000;
const SYNTHETIC_TICKERS = 10_000;
/** Enough history for every 52-week figure and the 200-day averages; precompute cost grows with tickers, not days. */
const SYNTHETIC_DAYS = 300;

/**
 * Precompute over the real S&P 500 five-year set (imported and analysed first) and over 10,000 synthetic
 * tickers, then reads of the overview payload from the cache. Targets from the issue: <= 1 s and <= 5 s per
 * precompute (median of 3), overview read p50 <= 1 ms.
 */
export const precomputeSection: BenchSection = {
  name: 'precompute',
  description: 'dashboard precompute: real 505 tickers, 10,000 synthetic tickers, overview read from the cache',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};

    const csv = sharedPricesFile(ctx);
    if (csv) {
      const real = await measure(ctx, 'real', async (store) => {
        const imported = await importRealMarket(store, csv);
        ctx.log(`imported ${imported.tickers} tickers, ${imported.rowsStored} rows in ${imported.seconds} s`);
      });
      figures.push(atMost('precompute 505 real tickers (median)', real.medianMs, 'ms', 1000, real.note));
      figures.push(info('entries cached (505 tickers)', real.summary.entries_cached, 'entries'));
      figures.push(info('bytes cached (505 tickers)', real.summary.bytes / 1_048_576, 'MiB'));
      figures.push(
        atMost('overview read from cache p50', real.overviewP50Ms, 'ms', 1, `p95 ${real.overviewP95Ms.toFixed(3)} ms`),
      );
      details.real = real;
    } else {
      ctx.log('all_stocks_5yr.csv.gz not found under the shared data folder; the real-data figures are skipped');
    }

    const synthetic = await measure(ctx, 'synthetic', async (store) => {
      const g = await generateUniverse(store, { tickers: SYNTHETIC_TICKERS, days: SYNTHETIC_DAYS, seed: 1 });
      ctx.log(`generated ${g.tickers} tickers x ${SYNTHETIC_DAYS} days in ${g.seconds.toFixed(1)} s`);
    });
    figures.push(
      atMost(
        `precompute ${SYNTHETIC_TICKERS} synthetic tickers (median)`,
        synthetic.medianMs,
        'ms',
        5000,
        synthetic.note,
      ),
    );
    figures.push(info(`entries cached (${SYNTHETIC_TICKERS} tickers)`, synthetic.summary.entries_cached, 'entries'));
    figures.push(info(`bytes cached (${SYNTHETIC_TICKERS} tickers)`, synthetic.summary.bytes / 1_048_576, 'MiB'));
    figures.push(
      atMost(
        `overview read from cache p50 (${SYNTHETIC_TICKERS} tickers)`,
        synthetic.overviewP50Ms,
        'ms',
        1,
        `p95 ${synthetic.overviewP95Ms.toFixed(3)} ms`,
      ),
    );
    details.synthetic = synthetic;
    return { figures, details };
  },
};

interface Measured {
  runsMs: number[];
  medianMs: number;
  note: string;
  summary: PrecomputeSummary;
  overviewP50Ms: number;
  overviewP95Ms: number;
}

/** Loads a fresh store with `load`, analyses it, then times precompute and overview reads. */
async function measure(ctx: BenchContext, name: string, load: (store: Store) => Promise<void>): Promise<Measured> {
  const store = await SqliteStore.open(join(ctx.tmpDir, `${name}.db`));
  try {
    await load(store);
    const t0 = performance.now();
    await analyzeStored(store);
    ctx.log(`${name}: analysed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cache = new DashboardCache(store.cache, { ttlMinutes: 15 });
    const runsMs: number[] = [];
    let summary: PrecomputeSummary | null = null;
    for (let i = 0; i < PRECOMPUTE_RUNS; i++) {
      const t = performance.now();
      summary = await precompute({ store, cache });
      runsMs.push(performance.now() - t);
    }
    ctx.log(`${name}: ${summary!.summary}`);
    const reads: number[] = [];
    for (let i = 0; i < OVERVIEW_READS; i++) {
      const t = performance.now();
      const overview = await cache.get(CACHE_KEYS.overview);
      reads.push(performance.now() - t);
      if (overview === null) throw new Error('the overview payload is missing from the cache after precompute');
    }
    return {
      runsMs,
      medianMs: median(runsMs),
      note: `runs ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms; ${summary!.entries_cached} entries`,
      summary: summary!,
      overviewP50Ms: percentile(reads, 50),
      overviewP95Ms: percentile(reads, 95),
    };
  } finally {
    await store.close();
  }
}
