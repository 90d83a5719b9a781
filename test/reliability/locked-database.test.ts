import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * Another process (here a second connection) holding the write lock longer than the busy timeout, as a
 * precompute or an analysis commit does under load: job records must wait for it, not be dropped.
 */
describe('job records on a database another writer holds locked', () => {
  let dir: string;
  let store: SqliteStore;
  let locker: Database.Database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-locked-'));
    // A busy timeout far shorter than the lock is held, so SQLite itself answers "database is locked".
    store = await SqliteStore.open(join(dir, 'locked.db'), { busyTimeoutMs: 10, backgroundCheckpoint: false });
    locker = new Database(join(dir, 'locked.db'));
  });
  after(async () => {
    locker.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Takes the write lock now and gives it back after `ms` (on a timer, so this process's event loop runs meanwhile). */
  function holdWriteLock(ms: number): Promise<void> {
    locker.exec('BEGIN IMMEDIATE');
    return new Promise((resolve) =>
      setTimeout(() => {
        locker.exec('COMMIT');
        resolve();
      }, ms),
    );
  }

  it('creates and updates a run once the lock is given back', async () => {
    const released = holdWriteLock(150);
    await store.jobRuns.create({ id: 'locked-1', kind: 'fetch', params: {}, status: 'running' });
    await store.jobRuns.update('locked-1', { status: 'succeeded', finishedAt: new Date() });
    await released;
    assert.equal((await store.jobRuns.get('locked-1'))?.status, 'succeeded');
  });

  it('records the progress and the end of a queued job that finished while the database was locked', async () => {
    const log: string[] = [];
    let released: Promise<void> = Promise.resolve();
    const queue = new InProcessJobQueue({
      jobRuns: store.jobRuns,
      progressIntervalMs: 0,
      log: (m) => log.push(m),
      handlers: {
        precompute: async (ctx) => {
          released = holdWriteLock(200);
          ctx.progress({ done: 3, total: 3, stage: 'write', message: 'written' });
          return { entries: 3 };
        },
      },
    });
    try {
      const handle = await queue.enqueue('precompute');
      const run = await handle.done;
      await released;
      assert.equal(run.status, 'succeeded');
      const stored = await store.jobRuns.get(handle.id);
      assert.equal(stored?.status, 'succeeded', log.join('\n'));
      assert.deepEqual(stored?.progress, { done: 3, total: 3, stage: 'write', message: 'written' });
      assert.deepEqual(stored?.metrics, { entries: 3 });
      assert.deepEqual(
        log.filter((m) => /could not record/.test(m)),
        [],
      );
    } finally {
      await queue.close();
    }
  });
});
