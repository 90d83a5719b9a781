import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testSymbols } from '../fetch/fetch-test-kit.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/** The fetch run rows of a database, id -> status, read as the user's next command would. */
async function fetchRuns(db: string): Promise<Map<string, string>> {
  const store = await SqliteStore.open(db);
  try {
    return new Map((await store.jobRuns.list({ kind: 'fetch', limit: 100 })).map((r) => [r.id, r.status]));
  } finally {
    await store.close();
  }
}

describe('a CLI fetch killed mid-run', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-09-02', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-dead-runs-'));
    db = join(dir, 'dead.db');
    env = { YAHOO_BASE_URL: server.url, MARKETDECK_DATA_DIR: join(dir, 'data'), ENABLE_ALPHA_VANTAGE: 'false' };
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `marketdeck fetch` against requests that hang, and SIGKILLs it once its first request arrived. */
  async function killFetchMidRun(): Promise<void> {
    server.reset();
    server.setKnobs({ faults: { stall: 1 }, stallMs: null });
    const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
    const child = spawn(process.execPath, [...flags, cliEntry(), '--db', db, 'fetch', '--tickers', 'S0001,S0002'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The run row is written before the first request leaves, so a request at the server means it is recorded.
    while (server.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await exited;
    server.setKnobs({ faults: {}, stallMs: null });
  }

  it('shows as interrupted in `jobs`, and the next command records it so', { timeout: 120_000 }, async () => {
    await killFetchMidRun();
    const before = await fetchRuns(db);
    assert.equal(before.size, 1);
    const [killed, status] = [...before][0];
    assert.equal(status, 'running', 'nothing could record the killed run');

    const jobs = await runNodeChild([cliEntry(), '--db', db, 'jobs', '--json'], env);
    assert.equal(jobs.code, 0, jobs.stderr);
    assert.deepEqual(
      JSON.parse(jobs.stdout).map((r: { id: string; status: string }) => [r.id, r.status]),
      [[killed, 'interrupted']],
    );
    const filtered = await runNodeChild([cliEntry(), '--db', db, 'jobs', '--status', 'running', '--json'], env);
    assert.deepEqual(JSON.parse(filtered.stdout), []);

    const next = await runNodeChild(
      [cliEntry(), '--db', db, 'fetch', '--tickers', testSymbols(2).join(','), '--json'],
      env,
    );
    assert.equal(next.code, 0, next.stderr);
    const after = await fetchRuns(db);
    assert.equal(after.get(killed), 'interrupted');
    assert.equal(after.get(JSON.parse(next.stdout).runId), 'succeeded');
  });
});
