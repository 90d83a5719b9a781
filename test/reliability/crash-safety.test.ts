import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCrashLoop } from '../support/crash-loop.js';

/** A seeded random, so a failing kill point can be found again. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

// The bench (`npm run bench -- reliability`) runs 20 kills of each command; the tests a few.
describe('SIGKILL of fetch, analyze, precompute and serve at random points', () => {
  it('leaves a sound file that the next runs complete: no bar lost or duplicated, analysis as a clean run, doctor finds nothing', {
    timeout: 600_000,
  }, async () => {
    const r = await runCrashLoop(2, seeded(15));
    // A fetch is killed after a number of answers, so always mid-run; the others after a random time, which on a
    // fast machine may come after they finished (then nothing was killed, and nothing is counted).
    assert.equal(r.kills.fetch, 2);
    assert.equal(r.integrityFailures, 0);
    assert.equal(r.barMismatches, 0);
    assert.equal(r.analysisMismatches, 0);
    assert.deepEqual(r.doctorFindings, []);
  });
});

describe('marketdeck doctor', () => {
  it('names what a crash left behind and how to fix it, and exits 1', { timeout: 120_000 }, async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir, hostname } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const { SqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
    const { startMarketTestServer } = await import('../support/market-test-server.js');
    const { cliEntry, runNodeChild } = await import('../support/run-node-child.js');
    const server = await startMarketTestServer({ firstDay: '2024-09-02', lastDay: '2024-12-31' });
    const dir = mkdtempSync(join(tmpdir(), 'marketdeck-doctor-'));
    const db = join(dir, 'doctor.db');
    const env = { YAHOO_BASE_URL: server.url, MARKETDECK_DATA_DIR: join(dir, 'data'), ENABLE_ALPHA_VANTAGE: 'false' };
    try {
      const fetched = await runNodeChild(
        [cliEntry(), '--db', db, 'fetch', '--tickers', 'S0001,S0002', '--no-quotes'],
        env,
      );
      assert.equal(fetched.code, 0, fetched.stderr);
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      const store = await SqliteStore.open(db);
      await store.jobRuns.create({
        id: 'killed-1',
        kind: 'analyze',
        params: {},
        status: 'running',
        owner: `${hostname()}:${dead.stdout}`,
      });
      await store.close();
      const r = await runNodeChild([cliEntry(), '--db', db, 'doctor', '--json'], env);
      assert.equal(r.code, 1, r.stderr);
      const { ok, findings } = JSON.parse(r.stdout) as { ok: boolean; findings: { check: string; fix: string }[] };
      assert.equal(ok, false);
      assert.deepEqual(
        findings.map((f) => [f.check, f.fix]),
        [
          [
            'job-records',
            'run `marketdeck analyze` again: a command that writes records the dead run as interrupted first',
          ],
          ['analysis', 'marketdeck analyze'],
          ['cache', 'marketdeck precompute'],
        ],
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
