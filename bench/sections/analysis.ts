import { join } from 'node:path';
import type { AnalysisSummary } from '../../src/analysis/run-analysis.js';
import { importFiles } from '../../src/fetch/import-files.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TickerWrite } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { cliEntry, runNodeChild } from '../../test/support/run-node-child.js';
import { atMost, type BenchFigure, type BenchSection, info, sharedPricesFile } from '../bench-section.js';
import { oneDayWrite, SYNTHETIC_END } from '../support/synthetic-market.js';

const TICKERS = Number(process.env.BENCH_ANALYSIS_TICKERS ?? 10_000);
const DAYS = Number(process.env.BENCH_ANALYSIS_DAYS ?? 2_520);

interface ChildRun {
  seconds: number;
  maxRssGb: number;
  summary: AnalysisSummary;
}

/**
 * `marketdeck analyze` end to end, as a user runs it: a child process (node start-up, opening the store,
 * loading every bar, all indicators, signals, breadth, storing), timed from spawn to exit.
 */
async function analyzeInChild(db: string, full: boolean): Promise<ChildRun> {
  const r = await runNodeChild([cliEntry(), 'analyze', '--db', db, '--json', ...(full ? ['--full'] : [])]);
  if (r.code !== 0) throw new Error(`marketdeck analyze exited ${r.code}: ${r.stderr}`);
  return { seconds: r.wallSeconds, maxRssGb: r.peakRssMb / 1024, summary: JSON.parse(r.stdout) };
}

function phases(s: AnalysisSummary): string {
  const t = s.seconds;
  return `plan ${t.plan.toFixed(2)}, load ${t.load.toFixed(2)}, indicators ${t.indicators.toFixed(2)}, signals ${t.signals.toFixed(2)}, breadth ${t.breadth.toFixed(2)}, store ${t.store.toFixed(2)} s (load..breadth summed over ${s.threads} threads)`;
}

/**
 * The analysis engine at whole-market scale: a full analyze of a synthetic market, then one day appended to
 * every ticker and an incremental analyze, then a full analyze of the real 505-ticker 2013-2018 set when
 * ../shared/data is present. BENCH_ANALYSIS_TICKERS / _DAYS shrink the synthetic market for a quick run.
 */
export const analysisSection: BenchSection = {
  name: 'analysis-market',
  description: `marketdeck analyze on a synthetic market (${TICKERS} tickers x ${DAYS} days) and on the real S&P 500 set`,
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};
    const db = join(ctx.tmpDir, 'market.db');
    let store = await SqliteStore.open(db);
    ctx.log(`generating ${TICKERS} x ${DAYS}`);
    const gen = await generateUniverse(store, { tickers: TICKERS, days: DAYS, seed: 42, endDate: SYNTHETIC_END });
    await store.close();
    figures.push(info('generate (setup)', gen.seconds, 's'));

    ctx.log('analyze --full');
    const full = await analyzeInChild(db, true);
    const barsPerSecond = full.summary.bars / full.seconds;
    figures.push(
      atMost(
        'whole market: analyze --full',
        full.seconds,
        's',
        10,
        `${full.summary.tickers} tickers, ${(barsPerSecond / 1e6).toFixed(1)} M bars/s end to end; ${phases(full.summary)}`,
      ),
      atMost('whole market: analyze --full peak RSS', full.maxRssGb, 'GB', 4),
      info('whole market: signals stored', full.summary.signals, 'signals'),
    );
    details.full = full;

    ctx.log('append one day to every ticker');
    store = await SqliteStore.open(db);
    const rng = new SeededRandom(9);
    const writes: TickerWrite[] = [];
    for (const symbol of await store.tickers.symbolsWithBars()) {
      const last = await store.bars.read(symbol, { from: SYNTHETIC_END });
      const price = Math.round(last!.close[last!.close.length - 1] * (1 + (rng.next() - 0.5) * 0.04) * 100) / 100;
      writes.push(oneDayWrite(symbol, price, Math.round(5e5 + rng.next() * 2e6)));
    }
    const t0 = performance.now();
    await store.bars.writeTickers(writes);
    figures.push(info('append one day to every ticker (setup)', (performance.now() - t0) / 1000, 's'));
    await store.close();

    ctx.log('analyze (incremental)');
    const inc = await analyzeInChild(db, false);
    if (inc.summary.mode !== 'incremental' || inc.summary.resumed !== inc.summary.tickers) {
      throw new Error(`the incremental run did not continue every ticker: ${JSON.stringify(inc.summary)}`);
    }
    figures.push(
      atMost(
        'whole market: analyze after one new day',
        inc.seconds,
        's',
        2,
        `${inc.summary.resumed} tickers continued; ${phases(inc.summary)}`,
      ),
      info('whole market: incremental peak RSS', inc.maxRssGb, 'GB'),
    );
    details.incremental = inc;

    const real = sharedPricesFile(ctx);
    if (real) {
      ctx.log('importing the real 505-ticker set');
      const realDb = join(ctx.tmpDir, 'real.db');
      store = await SqliteStore.open(realDb);
      await importFiles(store, [real]);
      await store.close();
      const r = await analyzeInChild(realDb, true);
      figures.push(
        atMost(
          'real S&P 500 2013-2018: analyze --full',
          r.seconds,
          's',
          1,
          `${r.summary.tickers} tickers, ${r.summary.bars} bars; ${phases(r.summary)}`,
        ),
      );
      details.real = r;
    } else {
      ctx.log('../shared/data/prices/all_stocks_5yr.csv.gz not found: real-set figure skipped');
    }
    return { figures, details: { generate: gen, ...details } };
  },
};
