import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedAnalysis } from '../precompute/precompute-fixtures.js';

/**
 * Runs the CLI as a separate process, as a user would: capturing this process's stdout instead would also
 * capture the test runner's own messages, which it writes between awaits.
 */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = spawnSync(process.execPath, [resolve('bin', 'marketdeck'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('jobs, precompute and refresh commands', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-job-commands-'));
    db = join(dir, 'test.db');
    const store = await SqliteStore.open(db);
    await seedAnalysis(store);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('precompute --json prints the summary and records a succeeded precompute job', async () => {
    const r = await cli('--db', db, 'precompute', '--json');
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(summary), [
      'summary',
      'details',
      'entries_cached',
      'bytes',
      'duration_ms',
      'cache_ttl_minutes',
    ]);
    assert.equal(summary.entries_cached, 15);
    const jobs = JSON.parse((await cli('--db', db, 'jobs', '--json')).stdout);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].kind, 'precompute');
    assert.equal(jobs[0].status, 'succeeded');
    assert.equal(jobs[0].metrics.entries_cached, 15);
  });

  it('refresh --json clears the cache and rebuilds it', async () => {
    const r = await cli('--db', db, 'refresh', '--json');
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.cleared_entries, 15);
    assert.equal(summary.entries_cached, 15);
    const text = await cli('--db', db, 'jobs', '--kind', 'precompute', '--limit', '1');
    assert.match(text.stdout, /precompute-\S+ +precompute +succeeded/);
  });

  it('jobs exits 2 naming the value for an unknown kind or a bad limit', async () => {
    const kind = await cli('--db', db, 'jobs', '--kind', 'nope');
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /--kind "nope" is not a job kind/);
    assert.equal((await cli('--db', db, 'jobs', '--limit', '0')).code, 2);
  });
});
