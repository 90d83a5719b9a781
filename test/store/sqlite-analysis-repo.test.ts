import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runAnalysisRepoContract } from './analysis-repo-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-analysis-repo-'));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runAnalysisRepoContract('SqliteStore', async () => SqliteStore.open(join(dir, `store-${n++}.db`)));

describe('SQLite analysis tables migration', () => {
  it('carries screener rows and analysis states over into analysis_tickers', async () => {
    const path = join(dir, 'migrate.db');
    const old = await SqliteStore.open(path, { migrations: MIGRATIONS.slice(0, 4) });
    old.db.prepare('INSERT INTO screener_rows (symbol, date, row) VALUES (?, ?, ?)').run('A', 17_000, '{"symbol":"A"}');
    old.db.prepare('INSERT INTO screener_rows (symbol, date, row) VALUES (?, ?, ?)').run('B', 17_000, '{"symbol":"B"}');
    old.db
      .prepare('INSERT INTO analysis_state (symbol, bar_version, last_date, state) VALUES (?, ?, ?, ?)')
      .run('A', 7, 17_000, Buffer.from([1, 2]));
    await old.close();
    const store = await SqliteStore.open(path);
    try {
      assert.deepEqual(
        (await store.analysis.screenerRows()).map((r) => r.symbol),
        ['A', 'B'],
      );
      const states = await store.analysis.getStates();
      assert.deepEqual([...states.keys()], ['A']);
      assert.deepEqual(states.get('A'), {
        symbol: 'A',
        barVersion: 7,
        lastDate: 17_000,
        state: Uint8Array.from([1, 2]),
      });
    } finally {
      await store.close();
    }
  });
});
