import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isoFromDay, todayUtc } from '../../src/domain/epoch-day.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { nyseSeries } from '../operations/nyse-series.js';
import { storeWithGaps } from '../support/backfill-gaps.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/** A chart request's window [period1, period2) as days. */
const days = (w: { period1: number; period2: number }) => [w.period1 / 86_400, w.period2 / 86_400];

describe('marketdeck backfill: the window asked and the requests counted', () => {
  let server: MarketTestServer;
  let dir: string;
  let n = 0;
  const newDb = async (gaps: Record<string, string[]>) => {
    const db = join(dir, `backfill-window-${++n}.db`);
    const store = await SqliteStore.open(db);
    try {
      await storeWithGaps(server, store, gaps);
    } finally {
      await store.close();
    }
    return db;
  };

  before(async () => {
    server = await startMarketTestServer();
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-backfill-window-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--days N --no-gaps on history that ended long ago downloads the last N days, never an inverted range', async () => {
    server.reset();
    const db = await newDb({ WINA: [], WINB: [] });
    // The source has the recent days the store lacks: the stored 2024 series and on up to today.
    const today = todayUtc();
    for (const symbol of ['WINA', 'WINB'])
      server.setSeries(symbol, nyseSeries(symbol, '2024-10-01', isoFromDay(today)));
    const r = await runNodeChild(
      [cliEntry(), '--db', db, 'backfill', '--tickers', 'WINA,WINB', '--days', '30', '--no-gaps', '--json'],
      fetchCliEnv(server.url, dir, 0),
    );
    assert.equal(r.code, 0, r.stderr);
    const expectedBars = nyseSeries('X', isoFromDay(today - 30), isoFromDay(today)).dates.length;
    for (const symbol of ['WINA', 'WINB']) {
      const windows = server.chartWindows(symbol).map(days);
      assert.equal(windows.length, 1, symbol);
      const [start, end] = windows[0];
      assert.ok(start <= end, `${symbol}: asked ${isoFromDay(start)} to ${isoFromDay(end)}`);
      // The source's window opens a day before the first date asked.
      assert.equal(isoFromDay(start + 1), isoFromDay(today - 30), `${symbol}: from --days`);
      assert.ok(end >= today, `${symbol}: up to today`);
    }
    const printed = JSON.parse(r.stdout) as { barsAdded: number };
    assert.equal(printed.barsAdded, 2 * expectedBars);
  });

  it('says the requests planned and those sent with retries apart, as the table counts the planned ones', async () => {
    server.reset();
    const db = await newDb({ RETA: ['2024-12-09'], RETB: ['2024-11-04'] });
    // Each ticker's first answer is a 503: one retry each, so 4 requests sent for 2 planned.
    server.setKnobs({ scriptedFaults: { kind: 'status5xx', symbols: ['RETA', 'RETB'], failAttempts: 1 } });
    try {
      const r = await runNodeChild(
        [cliEntry(), '--db', db, 'backfill', '--tickers', 'RETA,RETB', '--workers', '2'],
        fetchCliEnv(server.url, dir, 2),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requestsFor('RETA', 'chart') + server.requestsFor('RETB', 'chart'), 4);
      assert.match(r.stdout, /2 backfilled with 2 requests planned, 4 sent with retries \(2 workers\)/);
      assert.match(r.stdout, /^symbol\s+requests planned\s+result$/m);
      assert.match(r.stdout, /^RETA\s+1\s+saved 1 bars$/m);
    } finally {
      server.setKnobs({ scriptedFaults: null });
    }
  });
});
