import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/** Runs the CLI in a child process. */
function cli(args: string[], env: Record<string, string>) {
  return runNodeChild([cliEntry(), ...args], env);
}

describe('marketdeck fetch: the quote phase', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  const quoteRequests = () => Object.values(server.stats().byPath.quote ?? {}).reduce((a, b) => a + b, 0);

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-09-02', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-fetch-quotes-cli-'));
    db = join(dir, 'cli.db');
    env = fetchCliEnv(server.url, dir);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the same tickers’ quotes after the bars and puts a quotes section in the run metrics', async () => {
    const r = await cli(['--db', db, 'fetch', '--tickers', 'S0001,S0002,NONEXIST', '--json'], env);
    assert.equal(r.code, 3, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.tickers.fetched, 2);
    assert.equal(m.quotes.source, 'yahoo');
    assert.deepEqual([m.quotes.symbols.asked, m.quotes.symbols.stored, m.quotes.symbols.missing], [3, 2, 1]);
    assert.deepEqual(m.quotes.missing, ['NONEXIST']);
    assert.deepEqual(m.quotes.batches, { total: 1, succeeded: 1, failed: 0, notRun: 0 });
    const file = JSON.parse(readFileSync(join(dir, 'data', 'runs', `${m.runId}.json`), 'utf8'));
    assert.equal(file.quotes.symbols.stored, 2);
    const store = await SqliteStore.open(db);
    try {
      const run = await store.jobRuns.get(m.runId);
      const kept = run?.metrics as { quotes?: { symbols: { stored: number } } } | undefined;
      assert.equal(kept?.quotes?.symbols.stored, 2);
      assert.equal(run?.params.quotes, true);
      const q = await store.quotes.get('S0002');
      assert.ok(q && (q.marketCap ?? 0) > 0);
      assert.equal((await store.tickers.get('S0002'))?.marketCap, q.marketCap);
    } finally {
      await store.close();
    }
  });

  it('asks no quote again while the stored ones are fresh, and none at all with --no-quotes', async () => {
    const before = quoteRequests();
    const fresh = await cli(['--db', db, 'fetch', '--tickers', 'S0001,S0002', '--json'], env);
    assert.equal(fresh.code, 0, fresh.stderr);
    const m = JSON.parse(fresh.stdout);
    assert.equal(m.quotes.symbols.skippedFresh, 2);
    assert.equal(m.quotes.batches.total, 0);
    assert.equal(quoteRequests(), before);

    const off = await cli(
      ['--db', db, 'fetch', '--tickers', 'S0001,S0005', '--force-refresh', '--no-quotes', '--json'],
      env,
    );
    assert.equal(off.code, 0, off.stderr);
    const o = JSON.parse(off.stdout);
    assert.equal(o.tickers.fetched, 2);
    assert.equal(o.quotes, undefined);
    assert.equal(quoteRequests(), before);
  });

  it('exits 3 and names the batch when a quote batch fails although every ticker’s bars were stored', async () => {
    server.setKnobs({
      faultPaths: ['quote'],
      scriptedFaults: { kind: 'malformedJson', symbols: ['S0007'], failAttempts: 99 },
    });
    try {
      const r = await cli(['--db', db, 'fetch', '--tickers', 'S0007,S0008'], env);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stdout, /fetched 2/);
      assert.match(r.stdout, /quotes: stored 0 of 2 asked.*1 failed/);
      assert.match(r.stdout, /quote batch S0007\.\.S0008 \(2\) failed: malformed/);
    } finally {
      server.setKnobs({ faultPaths: ['chart', 'alphavantage'], scriptedFaults: null });
    }
  });
});
