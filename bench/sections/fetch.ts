import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { createHistorySource } from '../../src/fetch/create-history-source.js';
import { runFetch } from '../../src/fetch/fetch-engine.js';
import type { FetchRunMetrics } from '../../src/fetch/fetch-metrics.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cliEntry, runNodeChild } from '../../test/support/run-node-child.js';
import { MarketTestServerProcess } from '../../test/support/spawn-market-test-server.js';
import {
  atLeast,
  atMost,
  type BenchContext,
  type BenchFigure,
  type BenchSection,
  info,
  medianBy,
} from '../bench-section.js';
import { benchSymbols } from '../support/bench-symbols.js';

const LATENCY_MS = 20;
/**
 * What the server has when the new tickers are first fetched: one month each (~21 bars). The daily update
 * figures then add UPDATE_DAYS trading days, so each ticker is stored and the run asks for its last ~5 days,
 * as a daily run over a whole market does.
 */
const MONTH_HISTORY = { firstDay: '2024-12-02', lastDay: '2024-12-31' };
const UPDATE_DAYS = 5;
/** Runs per throughput figure (a run lasts ~1.5-4 s, and one run varies by +-1.5% here): the median counts. */
const REPEATS = 5;
/** Whole five-year histories (~1,260 bars, ~70 kB of JSON each): the parse/validate/store-bound case. */
const FIVE_YEAR_HISTORY = { firstDay: '2020-01-02', lastDay: '2024-12-31' };
const FIVE_YEAR_TICKERS = 1000;
/** Three months for the memory run: 10,000 tickers x ~65 bars. */
const MEMORY_HISTORY = { firstDay: '2024-10-01', lastDay: '2024-12-31' };

/** Requests a second at concurrency c when every answer takes exactly the server's latency. */
function latencyBound(c: number): number {
  return c / (LATENCY_MS / 1000);
}

interface ChildRun {
  metrics: FetchRunMetrics;
  code: number;
  /** Peak resident set of the child process, MB. */
  peakRssMb: number;
  wallSeconds: number;
  /** CPU (user + system) of the fetching process, process start included, ms. */
  clientCpuMs: number;
  /** CPU the server process spent during the run, ms. */
  serverCpuMs: number;
  /** The server's mean hold of an answer for the latency knob over the run (arrival to answer), ms. */
  serverHoldMs: number;
}

/**
 * Runs `marketdeck fetch` in a child process against the test server running in another child process, so
 * that the engine, the "remote" server and this bench each have their own event loop, and reads the fetching
 * process's peak RSS and CPU at exit and the server's CPU over the run.
 */
async function fetchInChild(
  ctx: BenchContext,
  server: MarketTestServerProcess,
  db: string,
  tickers: readonly string[],
  flags: string[],
  env: Record<string, string> = {},
): Promise<ChildRun> {
  const list = join(ctx.tmpDir, `tickers-${tickers.length}-${tickers[0]}.txt`);
  writeFileSync(list, `${tickers.join('\n')}\n`);
  const serverCpuBefore = await server.cpu();
  const heldBefore = await server.stats();
  // The history fetch alone: the quote phase that follows it has its own requests.
  const run = await runNodeChild(
    [cliEntry(), '--db', db, 'fetch', '--universe', `file:${list}`, '--json', '--no-quotes', ...flags],
    {
      YAHOO_BASE_URL: server.url,
      MARKETDECK_DATA_DIR: join(ctx.tmpDir, 'data'),
      YAHOO_RATE_PER_SECOND: '0',
      YAHOO_RATE_PER_MINUTE: '0',
      YAHOO_RATE_PER_DAY: '0',
      ...env,
    },
  );
  const serverCpuAfter = await server.cpu();
  const heldAfter = await server.stats();
  const serverHoldMs =
    (heldAfter.latencyHeldMs - heldBefore.latencyHeldMs) / Math.max(1, heldAfter.latencyHeld - heldBefore.latencyHeld);
  const serverCpuMs =
    (serverCpuAfter.user + serverCpuAfter.system - serverCpuBefore.user - serverCpuBefore.system) / 1000;
  let metrics: FetchRunMetrics;
  try {
    metrics = JSON.parse(run.stdout) as FetchRunMetrics;
  } catch {
    throw new Error(`marketdeck fetch exited ${run.code} without JSON metrics: ${run.stderr.slice(-2000)}`);
  }
  return {
    metrics,
    code: run.code,
    peakRssMb: run.peakRssMb,
    wallSeconds: run.wallSeconds,
    clientCpuMs: run.cpuMs,
    serverCpuMs,
    serverHoldMs,
  };
}

interface BareRun {
  requests: number;
  seconds: number;
  perSecond: number;
  cpuMs: number;
  bytes: number;
}

/**
 * The same requests as a fetch run, through the same transport, bodies read and dropped: what this machine
 * and the test server allow a client at this concurrency, with nothing validated or stored.
 */
async function bareClientInChild(
  server: MarketTestServerProcess,
  concurrency: number,
  count: number,
  from: number,
): Promise<BareRun> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'bare-http-client.js');
  const run = await runNodeChild([entry, server.url, String(concurrency), String(count), String(from)]);
  if (run.code !== 0) throw new Error(`bare HTTP client exited ${run.code}: ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout) as BareRun;
}

/** Every ticker stored exactly as served: counts of bars missing and of dates stored twice. */
async function compareStored(store: SqliteStore, server: MarketTestServerProcess, list: readonly string[]) {
  let missing = 0;
  let duplicate = 0;
  let differing = 0;
  for (const served of await server.served(list)) {
    const stored = await store.bars.read(served.symbol);
    if (!stored) {
      missing += served.dates.length;
      continue;
    }
    const have = new Set<number>();
    for (const d of stored.dates) {
      if (have.has(d)) duplicate++;
      have.add(d);
    }
    for (let i = 0; i < served.dates.length; i++) {
      if (!have.has(served.dates[i])) missing++;
    }
    const n = Math.min(stored.dates.length, served.dates.length);
    for (let i = 0; i < n; i++) if (stored.close[i] !== served.close[i]) differing++;
  }
  return { missing, duplicate, differing };
}

/** CPU per ticker of both processes, and the tickers/s both cores could sustain at that cost. */
function cpuCost(r: ChildRun) {
  const tickers = Math.max(1, r.metrics.tickers.fetched + r.metrics.tickers.failed);
  const clientMs = r.clientCpuMs / tickers;
  const serverMs = r.serverCpuMs / tickers;
  return { clientMs, serverMs, ceiling: (cpus().length * 1000) / (clientMs + serverMs) };
}

function cpuNote(r: ChildRun): string {
  const c = cpuCost(r);
  return `CPU per ticker: client ${round(c.clientMs, 2)} ms (process start included), server ${round(c.serverMs, 2)} ms; both on ${cpus().length} cores: at most ~${Math.round(c.ceiling)}/s`;
}

export const fetchSection: BenchSection = {
  name: 'fetch',
  description:
    'fetch engine (CLI child process) against the market test server (its own child process, 20 ms latency): throughput vs min(concurrency/latency, rate limit) for a daily update and for new tickers, five-year histories, faults, freshness, one new day, peak RSS for 10,000 tickers',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {
      note: `client and server share this machine's ${cpus().length} cores; the bound min(concurrency/latency, rate limit) assumes neither is CPU-bound`,
    };

    // 1. 2,000 new tickers (one month each) at concurrency 12 and 32, each into a fresh database; then the
    //    server moves on UPDATE_DAYS trading days and the same databases get their daily update.
    const server = await MarketTestServerProcess.start({ ...MONTH_HISTORY, knobs: { latencyMs: LATENCY_MS } });
    try {
      const tickers = benchSymbols(2000);
      const dbs = new Map<number, string>();
      for (const c of [12, 32]) {
        const db = join(ctx.tmpDir, `throughput-${c}.db`);
        dbs.set(c, db);
        ctx.log(`2,000 new tickers (one month each) at concurrency ${c}...`);
        const r = await fetchInChild(ctx, server, db, tickers, ['--max-concurrent', String(c)]);
        const bound = latencyBound(c);
        details[`newTickersC${c}`] = { ...summary(r), bound };
        figures.push(throughputFigure(`new tickers, 1 month each (~21 bars): c=${c}`, r, bound, false));
      }
      for (let i = 0; i < UPDATE_DAYS; i++) await server.addDay();
      // What the server and this machine allow at all: the same update requests, bodies read and dropped.
      const lastStored = dayFromIso(MONTH_HISTORY.lastDay);
      const transportOnly = new Map<number, number>();
      for (const c of [12, 32]) {
        ctx.log(
          `transport only: 2,000 update requests at concurrency ${c}, nothing validated or stored (x${REPEATS})...`,
        );
        const runs: BareRun[] = [];
        for (let i = 0; i < REPEATS; i++) runs.push(await bareClientInChild(server, c, tickers.length, lastStored));
        const bare = medianBy(runs, (r) => r.perSecond);
        const bound = latencyBound(c);
        details[`transportOnlyC${c}`] = { median: bare, runs: runs.map((r) => round(r.perSecond)), bound };
        transportOnly.set(c, bare.perSecond);
        figures.push(
          info(
            `transport only (no validate/store), same update requests: c=${c} (share of bound ${bound}/s)`,
            round((100 * bare.perSecond) / bound),
            '%',
            `median of ${REPEATS} (${runs.map((r) => round((100 * r.perSecond) / bound)).join(', ')} %); ${round(bare.perSecond)} requests/s; client CPU ${round(bare.cpuMs / bare.requests, 2)} ms per request: the ceiling this machine and test server allow a client`,
          ),
        );
      }
      for (const c of [12, 32]) {
        // Each repeat updates a copy of the same database, so every one sends the same requests; the
        // database itself gets the last one (the freshness runs below start from it).
        ctx.log(`daily update of 2,000 stored tickers (${UPDATE_DAYS} new days) at concurrency ${c} (x${REPEATS})...`);
        const runs: ChildRun[] = [];
        for (let i = 0; i < REPEATS; i++) {
          const db =
            i === REPEATS - 1 ? dbs.get(c)! : copyDatabase(dbs.get(c)!, join(ctx.tmpDir, `update-${c}-${i}.db`));
          runs.push(await fetchInChild(ctx, server, db, tickers, ['--max-concurrent', String(c), '--max-age', '0s']));
        }
        const r = medianBy(runs, (x) => x.metrics.tickers.fetched / x.metrics.seconds);
        const bound = latencyBound(c);
        const shares = runs.map((x) => round((100 * x.metrics.tickers.fetched) / x.metrics.seconds / bound));
        details[`dailyUpdateC${c}`] = { ...summary(r), bound, sharesOfBound: shares };
        figures.push(
          throughputFigure(
            `daily update, last ~${UPDATE_DAYS} days per ticker: c=${c}`,
            r,
            bound,
            true,
            `median of ${REPEATS} (${shares.join(', ')} %)`,
          ),
        );
        const rate = r.metrics.tickers.fetched / r.metrics.seconds;
        figures.push(
          info(
            `daily update c=${c}: share of the transport-only rate`,
            round((100 * rate) / (transportOnly.get(c) ?? Number.NaN)),
            '%',
            'what validating and storing cost against the same requests with the bodies dropped',
          ),
        );
      }
      {
        const perSecond = 200;
        const db = join(ctx.tmpDir, 'throughput-limited.db');
        ctx.log(`1,000 new tickers at concurrency 32 with YAHOO_RATE_PER_SECOND=${perSecond}...`);
        const r = await fetchInChild(ctx, server, db, benchSymbols(1000, 5000), ['--max-concurrent', '32'], {
          YAHOO_RATE_PER_SECOND: String(perSecond),
        });
        const rate = r.metrics.tickers.fetched / r.metrics.seconds;
        // A limit of r per rolling second lets the first r requests go at once and each later one a second
        // after the one r places before it: n requests need (ceil(n / r) - 1) seconds, plus the last answer's
        // round trip. The bound is that rate, or the concurrency bound when it is lower.
        const n = r.metrics.tickers.fetched + r.metrics.tickers.failed;
        const limited = n / (Math.ceil(n / perSecond) - 1 + LATENCY_MS / 1000);
        const bound = Math.min(latencyBound(32), limited);
        details.rateLimited = { ...summary(r), bound };
        figures.push(
          atLeast(
            `throughput under ${perSecond}/s limit (share of bound)`,
            round((100 * rate) / bound),
            '%',
            90,
            `${round(rate)} tickers/s; bound ${round(bound)}/s: ${n} requests at ${perSecond} per rolling second take ${Math.ceil(n / perSecond) - 1} s and one round trip`,
          ),
        );
      }

      // 2. The same 2,000 tickers again: all fresh. Then one new trading day: one request and one bar each.
      const freshDb = dbs.get(32)!;
      ctx.log('second run, everything fresh...');
      const fresh = await fetchInChild(ctx, server, freshDb, tickers, ['--max-concurrent', '32']);
      details.secondRun = summary(fresh);
      figures.push(atMost('second run: requests', fresh.metrics.requests, 'requests', 0));
      figures.push(
        atMost(
          'second run: time',
          round(fresh.metrics.seconds),
          's',
          1,
          `${round(fresh.wallSeconds)} s with process start`,
        ),
      );
      await server.addDay();
      ctx.log('after one new day...');
      const next = await fetchInChild(ctx, server, freshDb, tickers, ['--max-concurrent', '32', '--max-age', '0s']);
      details.newDay = summary(next);
      figures.push(
        atMost('new day: requests per ticker', round(next.metrics.requests / tickers.length, 3), 'requests', 1),
      );
      figures.push(
        atLeast('new day: bars written per ticker', round(next.metrics.barsWritten / tickers.length, 3), 'bars', 1),
      );
      figures.push(
        atMost('new day: bars written beyond one per ticker', next.metrics.barsWritten - tickers.length, 'bars', 0),
      );
    } finally {
      await server.close();
    }

    // 3. 10% of requests faulted: every ticker stored after retries, no bar missing or twice.
    {
      const faulty = await MarketTestServerProcess.start({
        ...MONTH_HISTORY,
        knobs: { latencyMs: LATENCY_MS, faults: { status5xx: 0.04, rateLimited: 0.03, reset: 0.015, cutBody: 0.015 } },
      });
      const store = await SqliteStore.open(join(ctx.tmpDir, 'faults.db'));
      try {
        const list = benchSymbols(1000, 7000);
        ctx.log('1,000 tickers with 10% of requests faulted...');
        const { source, httpStats } = createHistorySource('yahoo', {
          ...loadConfig({ env: {} }),
          yahooBaseUrl: faulty.url,
          fetchTimeoutMs: 5_000,
        });
        const m = await runFetch({
          store,
          source,
          symbols: list,
          httpStats,
          options: {
            maxConcurrent: 32,
            maxAgeMs: 86_400_000,
            retries: 8,
            retryBaseDelayMs: 50,
            retryMaxDelayMs: 2_000,
          },
        });
        const check = await compareStored(store, faulty, list);
        const serverFaults = (await faulty.stats()).faults;
        const faults = Object.values(serverFaults).reduce((a, b) => a + b, 0);
        details.faults = { metrics: slim(m), check, serverFaults };
        figures.push(info('faulted requests', round((100 * faults) / m.requests), '%', `${faults} of ${m.requests}`));
        figures.push(atMost('faults: tickers failed', m.tickers.failed, 'tickers', 0));
        figures.push(atMost('faults: missing bars', check.missing, 'bars', 0));
        figures.push(atMost('faults: duplicate bars', check.duplicate, 'bars', 0));
        figures.push(info('faults: retries', m.retries, 'retries', `${m.rateLimited} throttled`));
      } finally {
        await store.close();
        await faulty.close();
      }
    }

    // 4. Whole five-year histories: bound by parsing, validating and storing ~1,260 bars per ticker, not by latency.
    {
      const full = await MarketTestServerProcess.start({ ...FIVE_YEAR_HISTORY, knobs: { latencyMs: LATENCY_MS } });
      try {
        ctx.log(`${FIVE_YEAR_TICKERS} new tickers with five-year histories at concurrency 32...`);
        const r = await fetchInChild(
          ctx,
          full,
          join(ctx.tmpDir, 'five-years.db'),
          benchSymbols(FIVE_YEAR_TICKERS, 9000),
          ['--max-concurrent', '32'],
        );
        const rate = r.metrics.tickers.fetched / r.metrics.seconds;
        const cost = cpuCost(r);
        details.fiveYears = { ...summary(r), cpu: cost };
        figures.push(
          info(
            'five-year histories (~1,260 bars): c=32 tickers/s',
            round(rate),
            'tickers/s',
            `${r.metrics.tickers.failed} failed; ${round(r.metrics.bytes / Math.max(1, r.metrics.requests) / 1024)} kB per answer; latency bound ${latencyBound(32)}/s`,
          ),
        );
        figures.push(info('five-year histories: client CPU per ticker', round(cost.clientMs, 2), 'ms', cpuNote(r)));
      } finally {
        await full.close();
      }
    }

    // 5. 10,000 tickers in one run: peak RSS of the fetching process.
    {
      const big = await MarketTestServerProcess.start({ ...MEMORY_HISTORY, knobs: { latencyMs: 5 } });
      try {
        ctx.log('10,000 tickers for peak RSS...');
        const r = await fetchInChild(ctx, big, join(ctx.tmpDir, 'memory.db'), benchSymbols(10_000, 20_000), [
          '--max-concurrent',
          '32',
        ]);
        details.memory = summary(r);
        figures.push(
          atMost(
            '10,000 tickers: peak RSS',
            round(r.peakRssMb),
            'MB',
            500,
            `${r.metrics.tickers.fetched} fetched, ${r.metrics.barsWritten} bars in ${round(r.metrics.seconds)} s`,
          ),
        );
      } finally {
        await big.close();
      }
    }
    return { figures, details };
  },
};

/**
 * Tickers/s as a share of the bound min(concurrency / latency, rate limit); a target figure (>= 90%) or an
 * informational one. Only tickers fetched and stored count.
 */
function throughputFigure(name: string, r: ChildRun, bound: number, target: boolean, prefix?: string): BenchFigure {
  const rate = r.metrics.tickers.fetched / r.metrics.seconds;
  const label = `${name} (share of bound ${bound}/s)`;
  const value = round((100 * rate) / bound);
  const note = `${prefix ? `${prefix}; ` : ''}${round(rate)} tickers/s; ${round(r.metrics.bytes / Math.max(1, r.metrics.requests))} B per answer; server hold ${round(r.serverHoldMs, 2)} ms, client p50 ${r.metrics.latencyMs.p50} ms; ${r.metrics.tickers.failed} failed; ${cpuNote(r)}`;
  return target ? atLeast(label, value, '%', 90, note) : info(label, value, '%', note);
}

function summary(r: ChildRun) {
  return {
    metrics: slim(r.metrics),
    peakRssMb: round(r.peakRssMb),
    wallSeconds: round(r.wallSeconds),
    clientCpuMs: round(r.clientCpuMs),
    serverCpuMs: round(r.serverCpuMs),
    serverHoldMs: round(r.serverHoldMs, 3),
    exitCode: r.code,
  };
}

/** Metrics without the per-ticker failure list (kept short in the results file). */
function slim(m: FetchRunMetrics) {
  const { failed, ...rest } = m;
  return { ...rest, failedFirst: failed.slice(0, 5) };
}

/** A copy of a closed SQLite database (with its WAL, if one was left). */
function copyDatabase(from: string, to: string): string {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
  return to;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
