import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AnalysisSummary } from '../../src/analysis/run-analysis.js';
import { emptyBarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { importFiles } from '../../src/fetch/import-files.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TickerWrite } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { atMost, type BenchFigure, type BenchSection, info } from '../bench-section.js';

const TICKERS = Number(process.env.BENCH_ANALYSIS_TICKERS ?? 10_000);
const DAYS = Number(process.env.BENCH_ANALYSIS_DAYS ?? 2_520);
const END = dayFromIso('2025-12-30');
const APPEND_DAY = dayFromIso('2025-12-31');
const BIN = resolve('bin', 'marketdeck');
/** Loaded before the CLI in the child: reports the process's peak resident memory (worker threads included). */
const REPORT_MAX_RSS =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('MAX_RSS_KB '+process.resourceUsage().maxRSS+'\\n'))";

interface ChildRun {
  seconds: number;
  maxRssGb: number;
  summary: AnalysisSummary;
}

/**
 * `marketdeck analyze` end to end, as a user runs it: a child process (node start-up, opening the store,
 * loading every bar, all indicators, signals, breadth, storing), timed from spawn to exit.
 */
function analyzeInChild(db: string, full: boolean): ChildRun {
  const args = ['--import', REPORT_MAX_RSS, BIN, 'analyze', '--db', db, '--json', ...(full ? ['--full'] : [])];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`marketdeck analyze exited ${r.status}: ${r.stderr}`);
  const rss = /MAX_RSS_KB (\d+)/.exec(r.stderr);
  return { seconds, maxRssGb: rss ? Number(rss[1]) / 2 ** 20 : Number.NaN, summary: JSON.parse(r.stdout) };
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
    const gen = await generateUniverse(store, { tickers: TICKERS, days: DAYS, seed: 42, endDate: END });
    await store.close();
    figures.push(info('generate (setup)', gen.seconds, 's'));

    ctx.log('analyze --full');
    const full = analyzeInChild(db, true);
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
      const s = emptyBarSeries(symbol, 1);
      const last = await store.bars.read(symbol, { from: END });
      const price = Math.round(last!.close[last!.close.length - 1] * (1 + (rng.next() - 0.5) * 0.04) * 100) / 100;
      s.dates[0] = APPEND_DAY;
      s.open[0] = price;
      s.high[0] = price * 1.01;
      s.low[0] = price * 0.99;
      s.close[0] = price;
      s.adjClose[0] = price;
      s.volume[0] = Math.round(5e5 + rng.next() * 2e6);
      writes.push({ symbol, bars: s });
    }
    const t0 = performance.now();
    await store.bars.writeTickers(writes);
    figures.push(info('append one day to every ticker (setup)', (performance.now() - t0) / 1000, 's'));
    await store.close();

    ctx.log('analyze (incremental)');
    const inc = analyzeInChild(db, false);
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

    const real = ctx.sharedDataDir ? join(ctx.sharedDataDir, 'prices', 'all_stocks_5yr.csv.gz') : null;
    if (real && existsSync(real)) {
      ctx.log('importing the real 505-ticker set');
      const realDb = join(ctx.tmpDir, 'real.db');
      store = await SqliteStore.open(realDb);
      await importFiles(store, [real]);
      await store.close();
      const r = analyzeInChild(realDb, true);
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
