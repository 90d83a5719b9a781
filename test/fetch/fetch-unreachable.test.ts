import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UNREACHABLE_AFTER } from '../../src/fetch/source-failure.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';
import { testSymbols } from './fetch-test-kit.js';

/** Requests a run may send before it stops: the first wave of concurrent ones, and the few failures that tell. */
const MAX_CONCURRENT = 4;
const FEW = MAX_CONCURRENT + UNREACHABLE_AFTER;

describe('a fetch whose source cannot be reached', () => {
  let dir: string;
  let db: string;
  const env = (baseUrl: string) => ({
    YAHOO_BASE_URL: baseUrl,
    MARKETDECK_DATA_DIR: join(dir, 'data'),
    FETCH_RETRIES: '5',
    FETCH_MAX_CONCURRENT: String(MAX_CONCURRENT),
    ENABLE_ALPHA_VANTAGE: 'false',
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-unreachable-'));
    db = join(dir, 'offline.db');
    // One stored ticker, to show that the failed run leaves it as it was.
    const server = await startMarketTestServer({ firstDay: '2024-11-01', lastDay: '2024-12-31' });
    try {
      const r = await runNodeChild(
        [cliEntry(), '--db', db, 'fetch', '--tickers', 'S0001', '--no-quotes'],
        env(server.url),
      );
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await server.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops after the first few refused connections and says the source is unreachable', async () => {
    // A port nothing listens on any more: every connection is refused, as when the host is down.
    const gone = await startMarketTestServer();
    const url = gone.url;
    await gone.close();
    const symbols = ['S0001', ...testSymbols(29, 100)];
    const r = await runNodeChild(
      [cliEntry(), '--db', db, 'fetch', '--tickers', symbols.join(','), '--force-refresh', '--json'],
      env(url),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /marketdeck: Yahoo is unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\); nothing fetched, stored data unchanged/,
    );
    const m = JSON.parse(r.stdout);
    assert.equal(m.tickers.failed, 30);
    assert.ok(m.requests <= FEW, `${m.requests} requests; at most ${FEW} before the run stops`);
    assert.equal(m.quotes, undefined, 'no quote phase after an unreachable source');
    const store = await SqliteStore.open(db);
    try {
      const state = await store.fetchState.get('S0001', 'yahoo');
      assert.equal(state?.lastError, null, 'the stored ticker keeps its last good fetch');
      assert.ok((await store.bars.read('S0001'))?.dates.length);
    } finally {
      await store.close();
    }
  });

  it('stops after the first few requests a host accepts and never answers', async () => {
    const silent = await startMarketTestServer({ knobs: { faults: { stall: 1 }, stallMs: null } });
    try {
      const r = await runNodeChild(
        [cliEntry(), '--db', db, 'fetch', '--tickers', testSymbols(20, 200).join(','), '--json'],
        { ...env(silent.url), FETCH_TIMEOUT_MS: '200' },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /Yahoo is unreachable \(no answer within 200 ms\); nothing fetched/);
      assert.ok(JSON.parse(r.stdout).requests <= FEW);
    } finally {
      await silent.close();
    }
  });

  it('gives up connecting after FETCH_CONNECT_TIMEOUT_MS, apart from the request timeout', async () => {
    // Takes the TCP connection and never answers the TLS handshake: a connection that never opens.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const r = await runNodeChild(
        [cliEntry(), '--db', db, 'fetch', '--tickers', testSymbols(10, 300).join(','), '--json'],
        { ...env(`https://127.0.0.1:${port}`), FETCH_CONNECT_TIMEOUT_MS: '100', FETCH_TIMEOUT_MS: '600000' },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /Yahoo is unreachable \(ETIMEDOUT https:\/\/127\.0\.0\.1:\d+, not open within 100 ms\); nothing fetched/,
      );
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
