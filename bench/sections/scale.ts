import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runAnalysis } from '../../src/analysis/run-analysis.js';
import { loadConfig } from '../../src/config/index.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store, TickerWrite } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { deleteRedisKeys } from '../../test/support/redis-test-prefix.js';
import { MarketTestServerProcess } from '../../test/support/spawn-market-test-server.js';
import { atLeast, atMost, type BenchFigure, type BenchSection, info, percentile } from '../bench-section.js';
import { SYNTHETIC_END } from '../support/synthetic-market.js';

const FETCH_TICKERS = Number(process.env.BENCH_SCALE_FETCH_TICKERS ?? 2_000);
/** Tickers of the run under the global limit: 30 s of requests at the default 50/s. */
const LIMITED_TICKERS = Number(process.env.BENCH_SCALE_LIMITED_TICKERS ?? 1_500);
/** Worker counts whose throughput is measured (the ratios need 1, 2 and 4). */
const WORKER_COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
const STORE_TICKERS = Number(process.env.BENCH_SCALE_TICKERS ?? 2_000);
const STORE_DAYS = Number(process.env.BENCH_SCALE_DAYS ?? 2_520);
const LIMIT = Number(process.env.BENCH_SCALE_LIMIT ?? 50);
/** Worker counts whose queued `analyze --full` on PostgreSQL is timed, with this many analysis threads each. */
const ANALYSIS_WORKER_COUNTS = (process.env.BENCH_SCALE_ANALYSIS_WORKERS ?? '1,2').split(',').map(Number);
const ANALYSIS_THREADS = Number(process.env.BENCH_SCALE_ANALYSIS_THREADS ?? 1);
const PG_SERVER = process.env.MARKETDECK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.MARKETDECK_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const cli = fileURLToPath(new URL('../../src/cli/run.js', import.meta.url));

/**
 * Scaling out, measured: fetch throughput of 1, 2 and 4 queue workers (each at concurrency 2, so it waits on
 * the test server's 20 ms rather than on CPU) and then 4 workers under a global limit; PostgreSQL beside
 * SQLite on a 5M-bar market (bulk write, full load, one-ticker reads) and a full analysis on each.
 */
export const scaleSection: BenchSection = {
  name: 'scale',
  description: `queue workers against the test server; PostgreSQL beside SQLite (${STORE_TICKERS} x ${STORE_DAYS})`,
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
    await admin.connect();
    const dbName = `marketdeck_bench_scale_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    let schema = 0;
    const freshDb = async () => {
      const name = `s${++schema}`;
      const c = new pg.Client({ connectionString: `${PG_SERVER}/${dbName}` });
      await c.connect();
      await c.query(`CREATE SCHEMA ${name}`);
      await c.end();
      return `${PG_SERVER}/${dbName}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    };
    const details: Record<string, unknown> = {};
    /** `n` worker processes on `env`, once each says it is taking parts. */
    const startWorkers = async (n: number, env: Record<string, string>): Promise<ChildProcess[]> => {
      const children: ChildProcess[] = [];
      await Promise.all(
        Array.from({ length: n }, () => {
          const child = spawn(process.execPath, [cli, 'worker', '--concurrency', '2'], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          children.push(child);
          return new Promise<void>((resolve) =>
            child.stdout?.on('data', (d) => String(d).includes('taking') && resolve()),
          );
        }),
      );
      return children;
    };
    /** Stops workers and waits until they are gone: a run's workers still closing must not share the next run's cores. */
    const stopWorkers = async (children: readonly ChildProcess[]): Promise<void> => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) resolve();
              else c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    };
    try {
      // --- fetch throughput of the queue workers
      // The source in a process of its own, as a real one is: its reading of arrivals is never held up by the
      // bench's own work, and a 1 s window counted there is the source's count.
      const server = await MarketTestServerProcess.start({
        firstDay: '2024-01-02',
        lastDay: '2024-12-31',
        knobs: { latencyMs: 20 },
      });
      // A source that has just started builds its first answers slowly (its code is not compiled yet), and the
      // requests arriving meanwhile are read, and stamped, late and together. Measured runs meet it warm, as a
      // long-running source is; the warm-up asks for symbols no run asks for.
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          for (let i = lane; i < 400; i += 8) await (await fetch(`${server.url}/v8/finance/chart/WARM${i}`)).text();
        }),
      );
      const universeOf = (tickers: number) => {
        const symbols = Array.from({ length: tickers }, (_, i) => `W${String(i).padStart(5, '0')}`);
        const file = join(ctx.tmpDir, `scale-tickers-${tickers}.txt`);
        writeFileSync(file, `${symbols.join('\n')}\n`);
        return file;
      };
      const fetchRun = async (workers: number, limit: number, tickers: number) => {
        const universe = universeOf(tickers);
        const db = await freshDb();
        const prefix = `mdbench-${process.pid}-${workers}-${limit}`;
        const env: Record<string, string> = {
          MARKETDECK_DB: db,
          REDIS_URL: REDIS,
          QUEUE_PREFIX: prefix,
          QUEUE_CHUNK_SIZE: '25',
          YAHOO_BASE_URL: server.url,
          YAHOO_RATE_PER_SECOND: String(limit),
          MARKETDECK_DATA_DIR: join(ctx.tmpDir, 'data'),
          ENABLE_ALPHA_VANTAGE: 'false',
        };
        const children = await startWorkers(workers, env);
        const config = loadConfig({ env: { ...process.env, ...env } });
        const store = await openStore(config);
        const queue = new BullJobQueue({ store, config });
        await server.reset();
        const t0 = performance.now();
        const handle = await queue.enqueue('fetch', { universe: `file:${universe}`, quotes: false });
        const run = await handle.done;
        const seconds = (performance.now() - t0) / 1000;
        await queue.close();
        await store.close();
        await stopWorkers(children);
        await deleteRedisKeys(REDIS, prefix);
        const arrivals = (await server.arrivals()).sort((a, b) => a - b);
        let peak = 0;
        for (let i = 0, j = 0; j < arrivals.length; j++) {
          while (arrivals[j] - arrivals[i] >= 1000) i++;
          peak = Math.max(peak, j - i + 1);
        }
        // The rate the server saw once every worker was busy: between the 10th and 90th percentile arrivals
        // (the first chunks start and the last ones finish one worker at a time).
        const lo = Math.floor(arrivals.length * 0.1);
        const hi = Math.floor(arrivals.length * 0.9);
        const serverRate = (hi - lo) / ((arrivals[hi] - arrivals[lo]) / 1000);
        return { status: run.status, tickers, seconds, perSecond: tickers / seconds, serverRate, peak };
      };
      const rates: Record<number, number> = {};
      for (const n of WORKER_COUNTS.filter((w) => w > 0)) {
        ctx.log(`fetch of ${FETCH_TICKERS} tickers with ${n} worker(s)`);
        const r = await fetchRun(n, 0, FETCH_TICKERS);
        details[`workers${n}`] = r;
        rates[n] = r.perSecond;
        figures.push(info(`fetch, ${n} worker(s) at concurrency 2, 20 ms latency`, r.perSecond, 'tickers/s'));
      }
      if (rates[1] && rates[2]) figures.push(atLeast('2 workers / 1 worker', rates[2] / rates[1], 'x', 1.8));
      if (rates[1] && rates[4]) figures.push(atLeast('4 workers / 1 worker', rates[4] / rates[1], 'x', 3.2));
      if (LIMITED_TICKERS > 0) {
        ctx.log(`fetch with 4 workers under a global limit of ${LIMIT}/s`);
        const limited = await fetchRun(4, LIMIT, LIMITED_TICKERS);
        details.limited = limited;
        figures.push(
          atLeast(
            `4 workers under ${LIMIT}/s: server-seen rate (steady part) / limit`,
            (100 * limited.serverRate) / LIMIT,
            '%',
            98,
          ),
        );
        figures.push(atMost(`4 workers under ${LIMIT}/s: most requests in any 1 s`, limited.peak, 'requests', LIMIT));
      }
      await server.close();

      if (STORE_TICKERS === 0) return { figures, details };
      // --- PostgreSQL beside SQLite
      ctx.log(`generating ${STORE_TICKERS} x ${STORE_DAYS} into SQLite`);
      const source = await openStore({ db: join(ctx.tmpDir, 'scale-source.db') });
      await generateUniverse(source, { tickers: STORE_TICKERS, days: STORE_DAYS, seed: 42, endDate: SYNTHETIC_END });
      const copyInto = async (target: Store) => {
        const t0 = performance.now();
        let batch: TickerWrite[] = [];
        for await (const s of source.bars.readAll()) {
          batch.push({ symbol: s.symbol, bars: s });
          if (batch.length === 100) {
            await target.bars.writeTickers(batch);
            batch = [];
          }
        }
        if (batch.length > 0) await target.bars.writeTickers(batch);
        return (performance.now() - t0) / 1000;
      };
      const measure = async (store: Store, settle: () => Promise<void> = async () => {}) => {
        const write = await copyInto(store);
        await settle();
        // The best of three loads: a database settling after the bulk write (a checkpoint, PostgreSQL setting the
        // new rows' hint bits on their first read) must not decide the figure of a load done every analysis.
        let bars = 0;
        let load = Number.POSITIVE_INFINITY;
        for (let run = 0; run < 3; run++) {
          const t = performance.now();
          bars = 0;
          for await (const s of store.bars.readAll()) bars += s.dates.length;
          load = Math.min(load, (performance.now() - t) / 1000);
        }
        let t0 = performance.now();
        const names = await store.tickers.symbolsWithBars();
        const rng = new SeededRandom(7);
        const samples: number[] = [];
        for (let i = 0; i < 300; i++) {
          const t = performance.now();
          await store.bars.read(rng.pick(names));
          samples.push(performance.now() - t);
        }
        t0 = performance.now();
        // As `marketdeck analyze --full` runs it: a one-shot command stores signals while it computes.
        await runAnalysis(store, {
          universe: { name: 'cached', symbols: names },
          full: true,
          storeWhileComputing: true,
        });
        const analyze = (performance.now() - t0) / 1000;
        return { write, load, bars, readP50: percentile(samples, 50), analyze };
      };
      ctx.log('SQLite');
      const sqlite = await openStore({ db: join(ctx.tmpDir, 'scale-copy.db') });
      const a = await measure(sqlite);
      await sqlite.close();
      ctx.log('PostgreSQL');
      const pgUrl = await freshDb();
      const postgres = await openStore({ db: pgUrl });
      // What autovacuum does within a minute of a bulk write, done before the reads are timed: the visibility
      // map and hint bits of 5M fresh bars would otherwise be set by the first loads, in the middle of the figure.
      const b = await measure(postgres, async () => {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query('VACUUM (ANALYZE) bars, tickers');
        await c.end();
      });
      // --- a full analysis on PostgreSQL sent to the queue: the planning worker's chunks run on every worker
      const queuedAnalysis = async (workers: number) => {
        const prefix = `mdbench-${process.pid}-analysis-${workers}`;
        const env: Record<string, string> = {
          MARKETDECK_DB: pgUrl,
          REDIS_URL: REDIS,
          QUEUE_PREFIX: prefix,
          ANALYSIS_WORKERS: String(ANALYSIS_THREADS),
          MARKETDECK_DATA_DIR: join(ctx.tmpDir, 'data'),
          ENABLE_ALPHA_VANTAGE: 'false',
        };
        const children = await startWorkers(workers, env);
        const config = loadConfig({ env: { ...process.env, ...env } });
        const queue = new BullJobQueue({ store: postgres, config });
        try {
          const t0 = performance.now();
          const run = await (await queue.enqueue('analyze', { full: true })).done;
          const seconds = (performance.now() - t0) / 1000;
          if (run.status !== 'succeeded') throw new Error(`queued analysis ended ${run.status}: ${run.error}`);
          return { seconds, remoteChunks: (run.metrics as { remoteChunks?: number }).remoteChunks ?? 0 };
        } finally {
          await queue.close();
          await stopWorkers(children);
          await deleteRedisKeys(REDIS, prefix);
        }
      };
      const analysisTimes: Record<number, number> = {};
      for (const n of ANALYSIS_WORKER_COUNTS.filter((w) => w > 0)) {
        ctx.log(`queued analyze --full with ${n} worker(s), ${ANALYSIS_THREADS} thread(s) each`);
        const r = await queuedAnalysis(n);
        details[`queuedAnalysis${n}`] = r;
        analysisTimes[n] = r.seconds;
        figures.push(
          info(
            `analyze --full on the queue, ${n} worker(s) x ${ANALYSIS_THREADS} thread(s), PostgreSQL`,
            r.seconds,
            's',
          ),
        );
      }
      if (analysisTimes[1] && analysisTimes[2]) {
        figures.push(info('queued analyze --full, 1 worker / 2 workers', analysisTimes[1] / analysisTimes[2], 'x'));
      }
      await postgres.close();
      await source.close();
      details.sqlite = a;
      details.postgres = b;
      const mb = `${(a.bars / 1e6).toFixed(2)}M bars`;
      figures.push(info(`bulk write of ${mb}, SQLite`, a.write, 's'));
      figures.push(info(`bulk write of ${mb}, PostgreSQL`, b.write, 's'));
      figures.push(info(`full load into typed arrays, SQLite`, a.load, 's'));
      figures.push(atMost('full load, PostgreSQL / SQLite', b.load / a.load, 'x', 3));
      figures.push(info('one-ticker read p50, SQLite', a.readP50, 'ms'));
      figures.push(atMost('one-ticker read p50, PostgreSQL', b.readP50, 'ms', 2));
      figures.push(info(`analyze --full ${STORE_TICKERS} x ${STORE_DAYS}, SQLite`, a.analyze, 's'));
      figures.push(atMost('analyze --full, PostgreSQL / SQLite', b.analyze / a.analyze, 'x', 2));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
    return { figures, details };
  },
};
