import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobRun } from '../../src/domain/job-run.js';
import type { FetchRunMetrics } from '../../src/fetch/fetch-metrics.js';
import { parseJobParams } from '../../src/jobs/job-params.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/** Every fetch run of the database, oldest first. */
async function fetchRuns(db: string): Promise<JobRun[]> {
  const store = await SqliteStore.open(db);
  try {
    return (await store.jobRuns.list({ kind: 'fetch', limit: 100 })).reverse();
  } finally {
    await store.close();
  }
}

describe('marketdeck fetch runs the fetch job', () => {
  let server: MarketTestServer;
  let dir: string;
  let env: Record<string, string>;
  let n = 0;
  const newDb = () => join(dir, `fetch-job-${++n}.db`);
  const cli = (db: string, args: string[]) => runNodeChild([cliEntry(), '--db', db, 'fetch', ...args], env);

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-10-01', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-fetch-job-'));
    env = fetchCliEnv(server.url, dir);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records one fetch run whose params are the job schema’s request and whose metrics are the output', async () => {
    const db = newDb();
    const r = await cli(db, ['--tickers', 'S0001,S0002', '--max-age', '12h', '--max-concurrent', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout) as FetchRunMetrics;
    const runs = await fetchRuns(db);
    assert.equal(runs.length, 1, 'one job_runs row, not one by hand beside the job’s');
    const [run] = runs;
    assert.equal(run.id, m.runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(parseJobParams('fetch', run.params), run.params, 'the params pass the API’s own check');
    assert.deepEqual(run.params, {
      maxAge: '12h',
      maxConcurrent: 2,
      quotes: true,
      source: 'yahoo',
      tickers: 'S0001,S0002',
    });
    assert.equal((run.metrics as unknown as FetchRunMetrics).tickers.fetched, 2);
    assert.deepEqual(run.metrics, JSON.parse(r.stdout));
    assert.ok(existsSync(join(dir, 'data', 'runs', `${run.id}.json`)));
  });

  it('honours --max-age: a ticker fetched before that long is fetched again', async () => {
    const db = newDb();
    assert.equal((await cli(db, ['--tickers', 'S0003', '--no-quotes'])).code, 0);
    const fresh = JSON.parse((await cli(db, ['--tickers', 'S0003', '--no-quotes', '--json'])).stdout);
    assert.equal(fresh.tickers.skippedFresh, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stale = await cli(db, ['--tickers', 'S0003', '--no-quotes', '--max-age', '10ms', '--json']);
    assert.equal(stale.code, 0, stale.stderr);
    assert.equal(JSON.parse(stale.stdout).tickers.skippedFresh, 0);
    assert.equal((await fetchRuns(db)).at(-1)?.params.maxAge, '10ms');
  });

  it('takes maxAge as a duration in the job’s request, refusing another value by name as the API does', () => {
    assert.deepEqual(parseJobParams('fetch', { maxAge: '7d', tickers: 'S0001' }), { maxAge: '7d', tickers: 'S0001' });
    assert.throws(
      () => parseJobParams('fetch', { maxAge: 'soon' }),
      /param "maxAge" of a fetch job is "soon"; not a duration; expected a number and a unit/,
    );
    assert.throws(() => parseJobParams('fetch', { maxAgeMs: 1000 }), /a fetch job takes no param\(s\) maxAgeMs/);
  });

  it('refuses a bad --max-age with exit 2 naming it, before any run is recorded', async () => {
    const db = newDb();
    const r = await cli(db, ['--tickers', 'S0001', '--max-age', '3 days']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-age "3 days" is not a duration; expected a number and a unit, e.g. 90s/);
    assert.deepEqual(await fetchRuns(db), []);
  });

  it('says there is nothing to fetch in an empty store, and exits 0', async () => {
    const r = await cli(newDb(), []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nothing to fetch: the store has no tickers yet; choose some with --universe/);
  });

  it('exits 1 when every ticker fails, and keeps the failed run’s metrics in job_runs', async () => {
    const db = newDb();
    const r = await cli(db, ['--tickers', 'NONEXIST,UNKNOWN1']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /fetched 0 .*failed 2/);
    assert.match(r.stderr, /fetch job \S+ failed: 2 of 2 tickers failed/);
    const [run] = await fetchRuns(db);
    assert.equal(run.status, 'failed');
    assert.equal((run.metrics as unknown as FetchRunMetrics | null)?.tickers.failed, 2);
  });

  it('stops on Ctrl-C: the run ends cancelled, and what was fetched stays stored', { timeout: 60_000 }, async () => {
    const db = newDb();
    server.reset();
    server.setKnobs({ latencyMs: 150 });
    const symbols = Array.from({ length: 40 }, (_, i) => `S${String(i + 100).padStart(4, '0')}`);
    const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
    const child = spawn(
      process.execPath,
      [
        ...flags,
        cliEntry(),
        '--db',
        db,
        'fetch',
        '--tickers',
        symbols.join(','),
        '--no-quotes',
        '--max-concurrent',
        '2',
      ],
      { env: { ...process.env, ...env, FETCH_MAX_CONCURRENT: '2' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = Promise.all([child.stdout.toArray(), child.stderr.toArray()]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let code: number | null;
    try {
      while (server.stats().requests < 4) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      code = await exited;
    } finally {
      server.setKnobs({ latencyMs: 0 });
    }
    const [stdout, stderr] = (await output).map((chunks) => chunks.join(''));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /stopping fetch job \S+ after the work in hand/);
    assert.match(stderr, /fetch job \S+ cancelled with Ctrl-C/);
    assert.match(stdout, /\(cancelled, \d+ not run\)/);
    const [run] = await fetchRuns(db);
    assert.equal(run.status, 'cancelled');
    const m = run.metrics as unknown as FetchRunMetrics;
    assert.equal(m.cancelled, true);
    assert.ok(m.tickers.fetched >= 1 && m.tickers.notRun > 0, JSON.stringify(m.tickers));
    const store = await SqliteStore.open(db);
    try {
      assert.equal((await store.tickers.symbolsWithBars()).length, m.tickers.fetched);
    } finally {
      await store.close();
    }
  });
});
