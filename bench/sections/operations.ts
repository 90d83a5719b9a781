import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import { planGapRequests } from '../../src/fetch/plan-gap-requests.js';
import { runBackfill } from '../../src/fetch/run-backfill.js';
import { HealthSampler } from '../../src/jobs/health-sampler.js';
import { SystemProbe } from '../../src/jobs/system-probe.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { isUsTradingDay } from '../../src/sources/quality/us-market-holidays.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TickerWrite } from '../../src/store/store.js';
import { timeStoreCalls } from '../../src/store/store-call-timings.js';
import { MarketTestServerProcess } from '../../test/support/spawn-market-test-server.js';
import { atLeast, atMost, type BenchFigure, type BenchSection, info, median } from '../bench-section.js';
import { benchSymbols } from '../support/bench-symbols.js';

const TICKERS = Number(process.env.BENCH_OPERATIONS_TICKERS ?? 10_000);
const FIRST_DAY = '2016-01-04';
const LAST_DAY = '2025-12-31';
/** One ticker in GAP_EVERY has a gap of 1-10 trading days; one in LATE_EVERY listed mid-range. */
const GAP_EVERY = 20;
const LATE_EVERY = 100;
const BACKFILL_TICKERS = 1000;
const GAP_DAYS = 5;
const LATENCY_MS = 20;
const REPEATS = 3;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A ticker's bars on the given days: flat prices, what coverage reads is the dates. */
function flatSeries(symbol: string, dates: Int32Array, price: number): BarSeries {
  const n = dates.length;
  const col = () => new Float64Array(n).fill(price);
  return { symbol, dates, open: col(), high: col(), low: col(), close: col(), adjClose: col(), volume: col() };
}

/** 10 years of NYSE days for TICKERS tickers, some with a gap and some listed later: the gaps it holds. */
async function buildCoverageStore(path: string, log: (m: string) => void): Promise<Map<string, [number, number]>> {
  const days: number[] = [];
  for (let x = dayFromIso(FIRST_DAY); x <= dayFromIso(LAST_DAY); x++) if (isUsTradingDay(x)) days.push(x);
  const all = Int32Array.from(days);
  const gaps = new Map<string, [number, number]>();
  const store = await SqliteStore.open(path);
  let batch: TickerWrite[] = [];
  const symbols = benchSymbols(TICKERS);
  for (const [i, symbol] of symbols.entries()) {
    let dates = all;
    if (i % LATE_EVERY === 7) dates = all.subarray(1000 + (i % 500));
    if (i % GAP_EVERY === 3) {
      const at = 200 + ((i * 37) % (dates.length - 400));
      const len = 1 + (i % 10);
      gaps.set(symbol, [dates[at], dates[at + len - 1]]);
      const kept = new Int32Array(dates.length - len);
      kept.set(dates.subarray(0, at));
      kept.set(dates.subarray(at + len), at);
      dates = kept;
    }
    batch.push({ symbol, bars: flatSeries(symbol, dates, 10 + (i % 90)) });
    if (batch.length === 250) {
      await store.bars.writeTickers(batch);
      batch = [];
      if ((i + 1) % 2500 === 0) log(`  ${i + 1} tickers written`);
    }
  }
  if (batch.length > 0) await store.bars.writeTickers(batch);
  await store.close();
  return gaps;
}

async function coverageFigures(
  ctx: Parameters<BenchSection['run']>[0],
  figures: BenchFigure[],
  details: Record<string, unknown>,
) {
  const path = join(ctx.tmpDir, 'coverage.db');
  ctx.log(`building ${TICKERS} tickers x ${FIRST_DAY}..${LAST_DAY} (NYSE days) with known gaps...`);
  const gaps = await buildCoverageStore(path, ctx.log);
  const store = await SqliteStore.open(path);
  try {
    const seconds: number[] = [];
    let report = await computeCoverage(store);
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      report = await computeCoverage(store);
      seconds.push((performance.now() - t0) / 1000);
    }
    let found = 0;
    let wrong = 0;
    for (const t of report.tickers) {
      const want = gaps.get(t.symbol);
      if (!want && t.missing.length === 0) continue;
      if (want && t.missing.length === 1 && t.missing[0].fromDay === want[0] && t.missing[0].toDay === want[1]) found++;
      else wrong++;
    }
    details.coverage = { tickers: report.summary.tickers, seconds, summary: report.summary, found, wrong };
    figures.push(
      atMost(
        `coverage report, ${TICKERS} tickers x 10 years (median of ${REPEATS})`,
        round(median(seconds), 3),
        's',
        1,
        `${report.summary.tickers} tickers, ${report.summary.withGaps} with gaps; ${found} of ${gaps.size} planted gaps found exactly, ${wrong} wrong`,
      ),
    );
    figures.push(atMost('coverage report: gaps found wrongly or missed', wrong + (gaps.size - found), 'tickers', 0));
    await healthFigures(ctx, store, figures, details);
  } finally {
    await store.close();
  }
}

/**
 * What health sampling costs: CPU per sample (the machine, the process, the database's size and row counts
 * of the whole-market file, the slowest store calls) at one a minute, plus the event-loop histogram that
 * runs between samples, measured over an idle window beside one without it.
 */
async function healthFigures(
  _ctx: Parameters<BenchSection['run']>[0],
  raw: SqliteStore,
  figures: BenchFigure[],
  details: Record<string, unknown>,
) {
  const store = timeStoreCalls(raw);
  const sampler = new HealthSampler({ store, retentionDays: 7, diskPath: raw.location });
  const N = 30;
  try {
    await sampler.sampleAndStore();
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await sampler.sampleAndStore();
    const c1 = process.cpuUsage(c0);
    const perSampleMs = (c1.user + c1.system) / 1000 / N;
    const idle = async (withProbe: boolean) => {
      const probe = withProbe ? new SystemProbe() : null;
      const t = process.cpuUsage();
      const w0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const used = process.cpuUsage(t);
      const ms = performance.now() - w0;
      probe?.close();
      return (used.user + used.system) / 1000 / ms;
    };
    const without = await idle(false);
    const withProbe = await idle(true);
    const backgroundShare = Math.max(0, withProbe - without);
    const costPercent = 100 * (perSampleMs / 60_000 + backgroundShare);
    details.health = { perSampleMs, idleCpuShareWithout: without, idleCpuShareWith: withProbe };
    figures.push(info('health sample: CPU per sample (whole-market database)', round(perSampleMs, 2), 'ms'));
    figures.push(
      atMost(
        'health sampling cost at one sample a minute, share of one core',
        round(costPercent, 3),
        '%',
        0.5,
        `${round(perSampleMs, 2)} ms a sample / 60 s, plus the event-loop histogram: ${round(100 * backgroundShare, 3)} % (idle CPU with it ${round(100 * withProbe, 3)} %, without ${round(100 * without, 3)} %)`,
      ),
    );
  } finally {
    sampler.close();
  }
}

async function backfillFigures(
  ctx: Parameters<BenchSection['run']>[0],
  figures: BenchFigure[],
  details: Record<string, unknown>,
) {
  const server = await MarketTestServerProcess.start({
    firstDay: '2024-09-03',
    lastDay: '2024-12-31',
    knobs: { latencyMs: LATENCY_MS },
  });
  try {
    const symbols = benchSymbols(BACKFILL_TICKERS);
    const served = await server.served(symbols);
    // Each ticker lacks one week of five trading days, spread over six weeks with no holiday in them.
    const weeks = ['2024-09-09', '2024-09-16', '2024-09-23', '2024-09-30', '2024-10-07', '2024-10-21'].map(dayFromIso);
    const base = join(ctx.tmpDir, 'backfill.db');
    const seed = await SqliteStore.open(base);
    const writes: TickerWrite[] = served.map((s, i) => {
      const from = weeks[i % weeks.length];
      const keep = Array.from(s.dates).flatMap((d, k) => (d >= from && d < from + GAP_DAYS ? [] : [k]));
      const dates = Int32Array.from(keep.map((k) => s.dates[k]));
      const close = Float64Array.from(keep.map((k) => s.close[k]));
      return {
        symbol: s.symbol,
        bars: { symbol: s.symbol, dates, open: close, high: close, low: close, close, adjClose: close, volume: close },
      };
    });
    await seed.bars.writeTickers(writes);
    await seed.close();
    for (const c of [12, 32]) {
      const runs: {
        cpuMsPerRequest: number;
        seconds: number;
        requests: number;
        served: number;
        barsAdded: number;
        duplicates: number;
        missing: number;
      }[] = [];
      // The first run warms the code paths and the server's connections up, as the earlier runs of a long-lived server
      // have; it is not counted.
      for (let r = -1; r < REPEATS; r++) {
        const path = join(ctx.tmpDir, `backfill-${c}-${r}.db`);
        copyFileSync(base, path);
        const store = await SqliteStore.open(path);
        try {
          const plan = planGapRequests(await computeCoverage(store));
          const before = (await server.stats()).byPath.chart?.['200'] ?? 0;
          const source = new YahooChartSource({ httpGet: createHttpGet({ timeoutMs: 10_000 }), baseUrl: server.url });
          ctx.log(
            `backfill of ${plan.requests.size} tickers, ${plan.total} requests at ${c} workers (${r < 0 ? 'warm-up' : `run ${r + 1}`})`,
          );
          const cpu0 = process.cpuUsage();
          const m = await runBackfill({ store, source, requests: plan.requests, workers: c, retries: 3 });
          const cpu1 = process.cpuUsage(cpu0);
          const cpuMs = (cpu1.user + cpu1.system) / 1000;
          const after = (await server.stats()).byPath.chart?.['200'] ?? 0;
          let duplicates = 0;
          let missing = 0;
          for (const s of served) {
            const got = await store.bars.read(s.symbol);
            const dates = got ? Array.from(got.dates) : [];
            duplicates += dates.length - new Set(dates).size;
            const have = new Set(dates);
            for (const d of s.dates) if (!have.has(d)) missing++;
          }
          if (r >= 0)
            runs.push({
              cpuMsPerRequest: cpuMs / Math.max(1, m.requests),
              seconds: m.seconds,
              requests: m.requests,
              served: after - before,
              barsAdded: m.barsAdded,
              duplicates,
              missing,
            });
        } finally {
          await store.close();
        }
      }
      const mid = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
      const bound = c / (LATENCY_MS / 1000);
      const rate = mid.requests / mid.seconds;
      details[`backfillC${c}`] = { runs, bound };
      figures.push(
        atLeast(
          `backfill, ${BACKFILL_TICKERS} tickers x one ${GAP_DAYS}-day gap, c=${c} (share of ${bound}/s, median of ${REPEATS})`,
          round((100 * rate) / bound),
          '%',
          90,
          `${round(rate)} requests/s, client CPU ${round(mid.cpuMsPerRequest, 3)} ms a request; runs ${runs.map((x) => `${round((100 * x.requests) / x.seconds / bound)}%`).join(', ')}`,
        ),
      );
      if (c === 12) {
        figures.push(
          atMost(
            `backfill: requests counted at the server (want ${BACKFILL_TICKERS})`,
            Math.max(...runs.map((x) => Math.abs(x.served - BACKFILL_TICKERS))),
            'off',
            0,
            `served ${runs.map((x) => x.served).join(', ')}`,
          ),
        );
        figures.push(
          atMost(
            `backfill: bars stored (want ${BACKFILL_TICKERS * GAP_DAYS})`,
            Math.max(...runs.map((x) => Math.abs(x.barsAdded - BACKFILL_TICKERS * GAP_DAYS))),
            'off',
            0,
            `added ${runs.map((x) => x.barsAdded).join(', ')}`,
          ),
        );
        figures.push(
          atMost(
            'backfill: duplicate or missing bars after it',
            Math.max(...runs.map((x) => x.duplicates + x.missing)),
            'bars',
            0,
          ),
        );
      }
    }
  } finally {
    await server.close();
  }
}

export const operationsSection: BenchSection = {
  name: 'operations',
  description: `coverage of ${TICKERS} tickers x 10 years, backfill of ${BACKFILL_TICKERS} one-week gaps against the market test server (${LATENCY_MS} ms latency), health sampling cost`,
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};
    await coverageFigures(ctx, figures, details);
    await backfillFigures(ctx, figures, details);
    return { figures, details };
  },
};
