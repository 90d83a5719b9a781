import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SignalColumns } from '../../src/store/store.js';
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

describe('SQLite analysis run writer', () => {
  const columns = (symbols: string[], dates: number[]): SignalColumns => ({
    symbols,
    kinds: ['golden-cross'],
    symbolIndex: Int32Array.from(dates, (_, i) => i % symbols.length),
    dates: Int32Array.from(dates),
    kindIndex: new Uint8Array(dates.length),
    values: Float64Array.from(dates, (d) => d / 10),
  });
  const empty = columns([], []);
  const rest = { screenerRows: [], signalsFrom: new Map(), signals: empty, states: [] };

  async function storeWithOldSignals() {
    const store = await SqliteStore.open(join(dir, `writer-${n++}.db`));
    await store.analysis.commitRun({ ...rest, signalsFrom: new Map([['A', null]]), signals: columns(['A'], [100]) });
    return store;
  }

  it('replaces the signals part by part and shows them only once committed', async () => {
    const store = await storeWithOldSignals();
    const reader = await SqliteStore.open(store.location);
    try {
      const writer = await store.analysis.beginRun?.({ replacing: new Set(['A', 'B']) });
      assert.ok(writer);
      await writer.addSignals({ signalsFrom: new Map([['A', null]]), signals: columns(['A'], [200]) });
      await writer.addSignals({ signalsFrom: new Map([['B', null]]), signals: columns(['B'], [300]) });
      assert.deepEqual(
        (await reader.analysis.signals()).map((s) => [s.symbol, s.date]),
        [['A', 100]],
      );
      await writer.commit(rest);
      assert.deepEqual(
        (await reader.analysis.signals()).map((s) => [s.symbol, s.date]),
        [
          ['B', 300],
          ['A', 200],
        ],
      );
    } finally {
      await reader.close();
      await store.close();
    }
  });

  it('keeps the previous run whole when aborted or when a part is invalid', async () => {
    const store = await storeWithOldSignals();
    try {
      const aborted = await store.analysis.beginRun?.({ replacing: new Set(['A']) });
      assert.ok(aborted);
      await aborted.addSignals({ signalsFrom: new Map([['A', null]]), signals: columns(['A'], [200]) });
      await aborted.abort();
      assert.deepEqual(
        (await store.analysis.signals()).map((s) => [s.symbol, s.date]),
        [['A', 100]],
      );
      const failing = await store.analysis.beginRun?.({ replacing: new Set(['A']) });
      assert.ok(failing);
      await assert.rejects(
        failing.addSignals({ signalsFrom: new Map([['A', 150]]), signals: columns(['A'], [120]) }),
        /before the replaced span starting on day 150/,
      );
      await assert.rejects(failing.commit(rest), /already committed or aborted/);
      assert.deepEqual(
        (await store.analysis.signals()).map((s) => [s.symbol, s.date]),
        [['A', 100]],
      );
    } finally {
      await store.close();
    }
  });
});
