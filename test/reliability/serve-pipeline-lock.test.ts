import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import type { JobEvent } from '../../src/jobs/job-queue.js';
import { createJobRuntime } from '../../src/jobs/job-runtime.js';
import { lockPipeline } from '../../src/jobs/pipeline-lock.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe("serve's jobs and another process's on one database", () => {
  it('a fetch in serve waits while another process holds the pipeline lock, saying so, and runs once it is free', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-serve-lock-'));
    const db = join(dir, 'market.db');
    const store = await SqliteStore.open(db);
    // The other process's hold: the same lock a CLI update takes (another connection, as another process has).
    const release = await lockPipeline(db);
    let fetched = 0;
    const { queue } = createJobRuntime({
      store,
      config: loadConfig({ env: {}, overrides: { db } }),
      runFetch: async () => {
        fetched++;
        return { fetched: 0 };
      },
      runAnalyze: async () => ({ analysed: 0 }),
      lockPipeline: true,
    });
    try {
      const waiting = new Promise<JobEvent>((resolve) =>
        queue.subscribe((e) => {
          if (e.type === 'progress' && e.progress.stage === 'waiting') resolve(e);
        }),
      );
      const fetch = await queue.enqueue('fetch', {});
      const said = await waiting;
      assert.match(said.type === 'progress' ? said.progress.message : '', /waits for the job of process \S+:\d+/);
      assert.equal(fetched, 0, 'the fetch did not start while the lock was held');

      // A precompute only reads the fetched data: it is not held up by the lock.
      const precompute = await (await queue.enqueue('precompute', {})).done;
      assert.equal(precompute.status, 'succeeded');
      assert.equal(fetched, 0);

      release();
      const run = await fetch.done;
      assert.equal(run.status, 'succeeded');
      assert.equal(fetched, 1);
    } finally {
      release();
      await queue.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
