import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';

/**
 * A database on a 1 MiB filesystem of its own (tmpfs, mounted for the test): the bundled sample cannot fit,
 * so its import meets a full disk. Mounting needs root; on a user's machine without it the suite says so and
 * skips, under CI it must run.
 */
const dir = mkdtempSync(join(tmpdir(), 'md-full-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
const cannotMount =
  mounted.status === 0
    ? false
    : `cannot mount a small tmpfs here (${mounted.stderr.trim() || mounted.error?.message}); the full-disk test needs root`;
if (cannotMount) {
  if (process.env.CI === 'true') throw new Error(`under CI the full-disk test must run: ${cannotMount}`);
  console.log(`# ${cannotMount}`);
}

describe('a full disk', { skip: cannotMount }, () => {
  const db = join(dir, 'market.db');
  const data = mkdtempSync(join(tmpdir(), 'md-full-disk-data-'));
  before(() => {
    // A small market, analysed and precomputed, that fits: what a full disk must leave as it was.
    for (const args of [['generate', '--tickers', '2', '--days', '50'], ['analyze'], ['precompute']]) {
      const r = runCli(db, data, args);
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    }
  });
  after(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('stops an import with an error that names the database and says nothing stored was lost, and loses nothing', () => {
    const imported = runCli(db, data, ['import', resolve('sample', 'prices-2013-2018.csv.gz')]);
    assert.equal(imported.code, 1, imported.stderr);
    assert.match(imported.stderr, new RegExp(`the disk holding ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full`));
    assert.match(imported.stderr, /nothing already stored was lost/);
    assert.doesNotMatch(imported.stderr, /at .*\.js:\d+/, 'no stack trace');

    const status = runCli(db, data, ['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { tickers: number; bars: number };
    assert.deepEqual([s.tickers, s.bars], [2, 100]);
    const doctor = runCli(db, data, ['doctor']);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  });
});
