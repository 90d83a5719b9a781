import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobRun } from '../../src/domain/job-run.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import type { BackfillRunMetrics } from '../../src/jobs/handlers/configured-backfill-step.js';
import { parseJobParams } from '../../src/jobs/job-params.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeWithGaps } from '../support/backfill-gaps.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';
import { until } from '../support/until.js';

/** Opens the database, runs `use` on it and closes it again (the CLI child holds it in between). */
async function withStore<T>(db: string, use: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = await SqliteStore.open(db);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('marketdeck backfill runs the backfill job', () => {
  let server: MarketTestServer;
  let dir: string;
  let env: Record<string, string>;
  let n = 0;
  /** A database of its own whose tickers lack the given days, which the server has (but the `unknown` ones'). */
  const newDb = async (gaps: Record<string, string[]>, unknown: Record<string, string[]> = {}) => {
    const db = join(dir, `backfill-job-${++n}.db`);
    await withStore(db, async (store) => {
      await storeWithGaps(server, store, gaps);
      await storeWithGaps(null, store, unknown);
    });
    return db;
  };
  const cli = (db: string, ...args: string[]) => runNodeChild([cliEntry(), '--db', db, ...args], env);

  before(async () => {
    server = await startMarketTestServer();
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-backfill-job-'));
    env = fetchCliEnv(server.url, dir, 0);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves one backfill run in job_runs whose params are the request and whose metrics are the output', async () => {
    const db = await newDb({ BFA: ['2024-12-09', '2024-12-10'], BFB: ['2024-11-04'], BFC: [] });
    const r = await cli(db, 'backfill', '--tickers', 'BFA,BFB,BFC', '--workers', '2', '--json');
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as BackfillRunMetrics;
    assert.equal(printed.barsAdded, 3);

    const listed = await cli(db, 'jobs', '--kind', 'backfill', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const runs = JSON.parse(listed.stdout) as JobRun[];
    assert.equal(runs.length, 1, 'the command’s run is recorded like a scheduled one');
    const [run] = runs;
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.params, { source: 'yahoo', tickers: 'BFA,BFB,BFC', workers: 2 });
    assert.deepEqual(parseJobParams('backfill', run.params), run.params, 'the params pass the API’s own check');
    assert.deepEqual(run.metrics, printed);
    const m = run.metrics as unknown as BackfillRunMetrics;
    assert.deepEqual(m.noGaps, ['BFC']);
    assert.deepEqual(
      m.results.map((t) => [t.symbol, t.status, t.barsAdded]),
      [
        ['BFA', 'saved', 2],
        ['BFB', 'saved', 1],
      ],
    );
    const report = await withStore(db, (store) => computeCoverage(store, { symbols: ['BFA', 'BFB', 'BFC'] }));
    assert.equal(report.summary.complete, 3, 'every gap filled');
  });

  it('ends partial with exit 3 when some tickers fail, listing them in the run and on stdout', async () => {
    const db = await newDb({ BFD: ['2024-12-02'] }, { NONEXIST2: ['2024-12-03'] });
    const r = await cli(db, 'backfill', '--tickers', 'BFD,NONEXIST2');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^BFD\s+1\s+saved 1 bars$/m);
    assert.match(r.stdout, /^NONEXIST2\s+1\s+failed: not-found: /m);
    assert.match(r.stderr, /backfill job \S+ partial: 1 of 2 tickers failed/);
    const [run] = await withStore(db, (store) => store.jobRuns.list({ kind: 'backfill' }));
    assert.equal(run.status, 'partial');
    assert.equal(run.error, '1 of 2 tickers failed');
    const partial = run.metrics?.partial as { failed: { item: string; kind: string }[] };
    assert.deepEqual(
      partial.failed.map((f) => [f.item, f.kind]),
      [['NONEXIST2', 'not-found']],
    );
  });

  it('fails with exit 1 when every ticker fails, keeping the metrics in the run', async () => {
    const db = await newDb({}, { NONEXIST3: ['2024-12-03'] });
    const r = await cli(db, 'backfill', '--tickers', 'NONEXIST3');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /0 bars added, 0 changed, 1 failed/);
    assert.match(r.stderr, /backfill job \S+ failed: 1 of 1 tickers failed/);
    const [run] = await withStore(db, (store) => store.jobRuns.list({ kind: 'backfill' }));
    assert.equal(run.status, 'failed');
    assert.equal((run.metrics as unknown as BackfillRunMetrics).failed, 1);
  });

  it('takes the command’s options as the job’s request, refusing a bad one by name as the API does', () => {
    assert.deepEqual(parseJobParams('backfill', { universe: 'sp500', days: 30, gaps: false, source: 'yahoo' }), {
      universe: 'sp500',
      days: 30,
      gaps: false,
      source: 'yahoo',
    });
    assert.throws(
      () => parseJobParams('backfill', { days: 30, from: '2024-12-01' }),
      /param "from" of a backfill job is "2024-12-01"; days and from both say where to start; give one of them/,
    );
    assert.throws(() => parseJobParams('backfill', { workers: 300 }), /param "workers" of a backfill job is 300; /);
    assert.throws(() => parseJobParams('backfill', { gaps: 'no' }), /param "gaps" of a backfill job is "no"; /);
    assert.throws(
      () => parseJobParams('backfill', { maxAge: '1d' }),
      /a backfill job takes no param\(s\) maxAge; it takes universe, tickers, days, from, workers, gaps, source/,
    );
  });

  it('stops on Ctrl-C: the run ends cancelled, and the tickers filled before stay stored', async () => {
    // Two tickers, one request at a time; the second's request is held until the client lets go of it.
    const db = await newDb({ BFF: ['2024-12-02'], BFG: ['2024-12-03'] });
    server.reset();
    server.setKnobs({ scriptedFaults: { kind: 'stall', symbols: ['BFG'] }, stallMs: null });
    const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
    const child = spawn(
      process.execPath,
      [...flags, cliEntry(), '--db', db, 'backfill', '--tickers', 'BFF,BFG', '--workers', '1'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = Promise.all([child.stdout.toArray(), child.stderr.toArray()]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let code: number | null;
    try {
      await until(() => (server.stats().byPath.chart?.stalled ?? 0) >= 1);
      child.kill('SIGINT');
      code = await exited;
    } finally {
      server.setKnobs({ scriptedFaults: null });
    }
    const [stdout, stderr] = (await output).map((chunks) => chunks.join(''));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /backfill job \S+ cancelled with Ctrl-C/);
    assert.match(stdout, /^BFF\s+1\s+saved 1 bars$/m);
    const [run] = await withStore(db, (store) => store.jobRuns.list({ kind: 'backfill' }));
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(
      (run.metrics as unknown as BackfillRunMetrics).results.map((t) => [t.symbol, t.status]),
      [['BFF', 'saved']],
    );
    const report = await withStore(db, (store) => computeCoverage(store, { symbols: ['BFF', 'BFG'] }));
    assert.deepEqual(
      report.tickers.map((t) => [t.symbol, t.complete]),
      [
        ['BFF', true],
        ['BFG', false],
      ],
    );
  });
});
