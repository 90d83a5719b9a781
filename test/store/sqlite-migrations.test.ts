import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { MIGRATIONS, type Migration, runMigrations } from '../../src/store/sqlite/migrations/index.js';
import { SqliteBarRepo } from '../../src/store/sqlite/sqlite-bar-repo.js';
import { SqliteDashboardCacheRepo } from '../../src/store/sqlite/sqlite-dashboard-cache-repo.js';
import { SqliteFetchStateRepo } from '../../src/store/sqlite/sqlite-fetch-state-repo.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteTickerRepo } from '../../src/store/sqlite/sqlite-ticker-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newPath = () => join(dir, `m-${++n}.db`);

const oldBars = barSeriesFromBars(
  'OLD',
  ['2019-12-31', '2020-01-02'].map((d, i) => ({
    date: dayFromIso(d),
    open: 1 + i,
    high: 2 + i,
    low: 0.5,
    close: 1.5 + i,
    adjClose: 1.4 + i,
    volume: 100,
  })),
);

/**
 * A file as a marketdeck with only the first schema step wrote it. The repositories of that step are used
 * directly because SqliteStore itself expects every table of the newest schema.
 */
async function createAtFirstVersion(path: string): Promise<void> {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    assert.equal(runMigrations(db, MIGRATIONS.slice(0, 1), path), 1);
    const tickers = new SqliteTickerRepo(db);
    const bars = new SqliteBarRepo(db, tickers, new SqliteFetchStateRepo(db));
    await bars.writeTicker({ symbol: 'OLD', info: { name: 'Old Corp' }, bars: oldBars });
    await new SqliteDashboardCacheRepo(db).setMany([{ key: 'k', value: { v: 1 } }], 60);
  } finally {
    db.close();
  }
}

function userVersion(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('SQLite migrations', () => {
  it('upgrades a file made at schema version 1 to the newest and keeps its data', async () => {
    const path = newPath();
    await createAtFirstVersion(path);
    const store = await SqliteStore.open(path);
    try {
      assert.equal((await store.info()).schemaVersion, MIGRATIONS.length);
      assert.equal((await store.tickers.get('OLD'))?.name, 'Old Corp');
      assert.deepEqual([...(await store.bars.read('OLD'))!.close], [1.5, 2.5]);
      assert.deepEqual((await store.cache.getEntry('k'))?.value, { v: 1 });
    } finally {
      await store.close();
    }
  });

  it('applies each pending migration in order and records the version', async () => {
    const path = newPath();
    await createAtFirstVersion(path);
    const extra: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'test-extra',
      up(db) {
        db.exec('CREATE TABLE extra (symbol TEXT); INSERT INTO extra SELECT symbol FROM tickers;');
      },
    };
    const store = await SqliteStore.open(path, { migrations: [...MIGRATIONS, extra] });
    try {
      assert.equal((await store.info()).schemaVersion, MIGRATIONS.length + 1);
      assert.deepEqual(store.db.prepare('SELECT symbol FROM extra').pluck().all(), ['OLD']);
    } finally {
      await store.close();
    }
  });

  it('leaves the file at its old version when a migration fails half-way', async () => {
    const path = newPath();
    await createAtFirstVersion(path);
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'test-broken',
      up(db) {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom in step');
      },
    };
    await assert.rejects(SqliteStore.open(path, { migrations: [...MIGRATIONS, broken] }), /boom in step/);
    assert.equal(userVersion(path), MIGRATIONS.length);
    const store = await SqliteStore.open(path);
    try {
      const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all();
      assert.deepEqual(tables, []);
    } finally {
      await store.close();
    }
  });

  it('builds the whole schema in an empty file', async () => {
    const path = newPath();
    writeFileSync(path, '');
    const store = await SqliteStore.open(path);
    try {
      assert.equal((await store.info()).schemaVersion, MIGRATIONS.length);
      assert.deepEqual(await store.tickers.list(), []);
    } finally {
      await store.close();
    }
  });

  it('refuses a file written by a newer marketdeck, naming both versions', async () => {
    const path = newPath();
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    await assert.rejects(SqliteStore.open(path), new RegExp(`version 999, newer than .*\\(${MIGRATIONS.length}\\)`));
  });

  it('rejects a registry whose versions are not consecutive', async () => {
    const skipped: Migration = { version: MIGRATIONS.length + 2, name: 'skipped', up() {} };
    await assert.rejects(SqliteStore.open(':memory:', { migrations: [...MIGRATIONS, skipped] }), /expected \d+/);
  });
});
