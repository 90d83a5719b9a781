import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import { BACKSTOP_AUTOCHECKPOINT } from '../../src/store/sqlite/background-wal-checkpointer.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { tailLimit } from '../../src/store/sqlite/sqlite-bar-chunk-writer.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-sqlite-store-'));
let files = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite file', () => SqliteStore.open(join(dir, `contract-${++files}.db`)));
runStoreContract('sqlite :memory:', () => SqliteStore.open(':memory:'));

describe('SqliteStore specifics', () => {
  it('creates missing parent folders and reports WAL mode, schema version and size', async () => {
    const path = join(dir, 'nested', 'deeper', 'x.db');
    const store = await SqliteStore.open(path);
    try {
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      const info = await store.info();
      assert.equal(info.kind, 'sqlite');
      assert.equal(info.location, path);
      assert.equal(info.schemaVersion, MIGRATIONS.length);
      assert.ok(info.sizeBytes > 0);
    } finally {
      await store.close();
    }
  });

  it('stores one row per ticker and calendar year', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      const bars = ['2022-12-30', '2023-01-03', '2023-01-04', '2024-01-02'].map((d) => ({
        date: dayFromIso(d),
        open: 1,
        high: 2,
        low: 0.5,
        close: 1.5,
        adjClose: 1.5,
        volume: 10,
      }));
      await store.bars.writeTicker({ symbol: 'A', bars: barSeriesFromBars('A', bars) });
      const rows = store.db.prepare('SELECT year, n, length(data) AS bytes FROM bars ORDER BY year').all();
      // n bars: 4n date bytes padded to 8, then 6 x 8n bytes of prices and volume
      assert.deepEqual(rows, [
        { year: 2022, n: 1, bytes: 8 + 48 },
        { year: 2023, n: 2, bytes: 8 + 96 },
        { year: 2024, n: 1, bytes: 8 + 48 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('puts daily appends in the tail row and folds it into the year rows when full', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      const day = (iso: string) => dayFromIso(iso);
      const bar = (d: number) => ({
        date: d as EpochDay,
        open: 1,
        high: 2,
        low: 0.5,
        close: 1.5,
        adjClose: 1.5,
        volume: 10,
      });
      await store.bars.writeTicker({ symbol: 'A', bars: barSeriesFromBars('A', [bar(day('2023-12-27'))]) });
      const id = store.db.prepare('SELECT id FROM tickers WHERE symbol = ?').pluck().get('A') as number;
      const tail = () => store.db.prepare('SELECT n FROM bar_tail').pluck().get() ?? 0;
      const yearRows = () => store.db.prepare('SELECT sum(n) FROM bars').pluck().get();
      let d = day('2023-12-27');
      for (let i = 0; i < tailLimit(id); i++) {
        await store.bars.writeTicker({ symbol: 'A', bars: barSeriesFromBars('A', [bar(++d)]) });
      }
      assert.equal(tail(), tailLimit(id), 'appends stay in the tail up to its limit');
      assert.equal(yearRows(), 1);
      await store.bars.writeTicker({ symbol: 'A', bars: barSeriesFromBars('A', [bar(++d)]) });
      assert.equal(tail(), 0, 'one more bar folds the tail into the year rows');
      assert.equal(yearRows(), tailLimit(id) + 2);
      assert.equal((await store.bars.read('A'))?.dates.length, tailLimit(id) + 2);
    } finally {
      await store.close();
    }
  });

  it('names the file when it is not a SQLite database', async () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'this is a CSV file, not a database\n'.repeat(200));
    await assert.rejects(
      SqliteStore.open(path),
      (e: Error) => e.message.includes(path) && /not a database/.test(e.message),
    );
  });
});

describe('background WAL checkpoints', () => {
  const day = (i: number) => (dayFromIso('2024-01-02') + i) as EpochDay;
  const oneBar = (symbol: string, i: number) =>
    barSeriesFromBars(symbol, [{ date: day(i), open: 1, high: 2, low: 0.5, close: 1.5, adjClose: 1.5, volume: 10 }]);

  it('hands checkpoints to a worker after enough commits, and the writer keeps only a backstop', async () => {
    const path = join(dir, 'checkpoint-worker.db');
    const store = await SqliteStore.open(path, { backgroundCheckpoint: { startAfterCommits: 5, intervalMs: 10 } });
    try {
      assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
      for (let i = 0; i < 4; i++) await store.bars.writeTicker({ symbol: `W${i}`, bars: oneBar(`W${i}`, i) });
      assert.equal(store.checkpointer?.running, false);
      await store.bars.writeTicker({ symbol: 'W4', bars: oneBar('W4', 4) });
      assert.equal(store.checkpointer?.running, true);
      assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_AUTOCHECKPOINT);
      for (let i = 5; i < 40; i++) await store.bars.writeTicker({ symbol: `W${i}`, bars: oneBar(`W${i}`, i) });
    } finally {
      await store.close();
    }
    assert.equal(store.checkpointer?.running, false);
    const again = await SqliteStore.open(path, { backgroundCheckpoint: false });
    try {
      assert.equal((await again.bars.stats()).tickers, 40);
      assert.equal(again.checkpointer, null);
    } finally {
      await again.close();
    }
  });

  it('never starts a worker for an in-memory store', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      assert.equal(store.checkpointer, null);
    } finally {
      await store.close();
    }
  });
});
