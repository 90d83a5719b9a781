import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { barAt } from '../../src/domain/bar-series.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/** Runs the CLI in a child process, with the test server's environment. */
function cli(args: string[], env: Record<string, string | undefined> = {}) {
  return runNodeChild([cliEntry(), ...args], { ...baseEnv, ...env });
}

const baseEnv: Record<string, string | undefined> = {};

describe('marketdeck fetch', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-09-02', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-fetch-cli-'));
    db = join(dir, 'cli.db');
    Object.assign(baseEnv, fetchCliEnv(server.url, dir, 2));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the given tickers, exits 0 and keeps the run metrics in job_runs and runs/<id>.json', async () => {
    const r = await cli(['--db', db, 'fetch', '--tickers', 'S0001,S0002,BRK.B', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.tickers.fetched, 3);
    assert.equal(m.requests, 3);
    const file = join(dir, 'data', 'runs', `${m.runId}.json`);
    assert.ok(existsSync(file));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).tickers.fetched, 3);
    const store = await SqliteStore.open(db);
    try {
      const run = await store.jobRuns.get(m.runId);
      assert.equal(run?.kind, 'fetch');
      assert.equal(run?.status, 'succeeded');
      assert.equal((run?.metrics as { barsWritten?: number } | null)?.barsWritten, m.barsWritten);
      assert.ok((await store.bars.read('BRK.B')) !== null, 'a class share is stored under its dotted symbol');
    } finally {
      await store.close();
    }
  });

  it('exits 3 when one ticker fails and names it and its reason', async () => {
    const r = await cli(['--db', db, 'fetch', '--tickers', 'S0003,NONEXIST']);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /NONEXIST\s+not-found/);
    assert.match(r.stdout, /fetched 1/);
  });

  it('update exits 3 listing the failed ticker with its reason, and its job is partial', async () => {
    const list = join(dir, 'with-unknown.txt');
    writeFileSync(list, 'S0004\nNONEXIST\n');
    const r = await cli(['--db', db, 'update', '--universe', `file:${list}`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /update job \S+ partial: fetch: 1 of 2 tickers failed/);
    assert.match(r.stderr, /NONEXIST\s+not-found\s+.*404/);
    assert.match(r.stdout, /update \S+ partial/);
    const jobs = JSON.parse((await cli(['--db', db, 'jobs', '--kind', 'update', '--json'])).stdout);
    assert.equal(jobs[0].status, 'partial');
    assert.deepEqual(
      jobs[0].metrics.partial.failed.map((f: { item: string }) => f.item),
      ['NONEXIST'],
    );
    const fetchJobs = JSON.parse((await cli(['--db', db, 'jobs', '--kind', 'fetch', '--json'])).stdout);
    assert.equal(fetchJobs[0].status, 'partial', 'the fetch command records its partial run as partial too');
  });

  it('fetch and update say which stored bars a split refetch kept because the answer did not cover them', async () => {
    const list = join(dir, 'split.txt');
    writeFileSync(list, 'S0006\n');
    assert.equal((await cli(['--db', db, 'fetch', '--tickers', 'S0006', '--no-quotes'])).code, 0);
    // After a 2:1 split the source answers only its last 30 days.
    server.addSplit('S0006', server.lastDay(), 2, 1);
    const served = server.series('S0006');
    assert.ok(served);
    const n = served.bars.dates.length;
    const recent = Array.from({ length: 30 }, (_, k) => barAt(served.bars, n - 30 + k));
    server.setSeries('S0006', recent, [], served.splits);
    const r = await cli(['--db', db, 'update', '--universe', `file:${list}`, '--force-refresh']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`kept S0006: ${n - 30} stored bar\\(s\\) .*the source answered only .*split factor 2`),
    );
  });

  it('exits 1 when every ticker fails', async () => {
    const r = await cli(['--db', db, 'fetch', '--tickers', 'NONEXIST,UNKNOWN1', '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).tickers.failed, 2);
  });

  it('skips fresh tickers on the next run without a request', async () => {
    const before = server.stats().requests;
    const r = await cli(['--db', db, 'fetch', '--tickers', 'S0001,S0002', '--json']);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).tickers.skippedFresh, 2);
    assert.equal(server.stats().requests, before);
  });

  it('adds the next N not-yet-stored tickers of a universe with --expand', async () => {
    const r = await cli(['--db', db, 'fetch', '--universe', 'dow30', '--max-stocks', '2', '--expand', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).tickers.requested, 2);
    const again = await cli(['--db', db, 'fetch', '--universe', 'dow30', '--max-stocks', '3', '--expand', '--json']);
    const m = JSON.parse(again.stdout);
    assert.equal(m.tickers.requested, 3);
    assert.equal(m.tickers.fetched, 3, 'three new tickers, none of the two stored before');
    const store = await SqliteStore.open(db);
    try {
      const stored = await store.tickers.symbolsWithBars();
      for (const s of ['AAPL', 'AMGN', 'AMZN', 'AXP', 'BA']) assert.ok(stored.includes(s), s);
      assert.equal(stored.includes('CAT'), false);
      assert.equal((await store.universes.get('dow30'))?.length, 30, 'the whole named universe is remembered');
    } finally {
      await store.close();
    }
  });

  it('rejects bad flag values with exit 2 naming the value and what is expected', async () => {
    const cases: [string[], RegExp][] = [
      [['--max-concurrent', '0'], /--max-concurrent "0" .*1-256/],
      [['--max-age', 'soon'], /--max-age "soon" is not a duration/],
      [['--from', '2024-13-01'], /--from "2024-13-01" .*YYYY-MM-DD/],
      [['--source', 'bloomberg'], /--source "bloomberg" .*yahoo, alphavantage/],
      [['--universe', 'ftse'], /unknown universe "ftse"/],
      [['--max-stocks', '-1'], /--max-stocks "-1"/],
    ];
    for (const [flags, message] of cases) {
      const names = flags[0] === '--universe' ? [] : ['--tickers', 'S0001'];
      const r = await cli(['--db', db, 'fetch', ...names, ...flags]);
      assert.equal(r.code, 2, flags.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('refuses Alpha Vantage unless it is enabled and has a key (exit 2)', async () => {
    const off = await cli(['--db', db, 'fetch', '--tickers', 'IBM', '--source', 'alphavantage']);
    assert.equal(off.code, 2);
    assert.match(off.stderr, /ENABLE_ALPHA_VANTAGE/);
    const noKey = await cli(['--db', db, 'fetch', '--tickers', 'IBM', '--source', 'alphavantage'], {
      ENABLE_ALPHA_VANTAGE: 'true',
    });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /ALPHA_VANTAGE_API_KEY/);
  });

  it('fetches from Alpha Vantage within its rate limit when enabled with a key', async () => {
    const r = await cli(['--db', db, 'fetch', '--tickers', 'IBM,S0050', '--source', 'alphavantage', '--json'], {
      ENABLE_ALPHA_VANTAGE: 'true',
      ALPHA_VANTAGE_API_KEY: 'test-key',
      ALPHA_VANTAGE_BASE_URL: server.url,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.source, 'alphavantage');
    assert.equal(m.tickers.fetched, 2);
    assert.ok(!r.stdout.includes('test-key'), 'the API key never appears in the output');
  });
});
