import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedAnalysis } from '../precompute/precompute-fixtures.js';

/** Runs the CLI in this process, returning its exit code and what it printed on stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  const exitCode = process.exitCode;
  try {
    const code = await main(['node', 'marketdeck', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = exitCode;
  }
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
