import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { acquireCrossProcessLock } from '../../src/jobs/cross-process-lock.js';
import { testSymbols } from '../fetch/fetch-test-kit.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

describe('two update processes on one database', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  const symbols = testSymbols(8, 40);
  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-09-02', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-two-updates-'));
    db = join(dir, 'two.db');
    env = { YAHOO_BASE_URL: server.url, MARKETDECK_DATA_DIR: join(dir, 'data'), ENABLE_ALPHA_VANTAGE: 'false' };
    const first = await runNodeChild(
      [cliEntry(), '--db', db, 'fetch', '--tickers', symbols.join(','), '--no-quotes'],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never fetch the same new day twice: the second waits for the first, then finds every ticker fresh', {
    timeout: 180_000,
  }, async () => {
    server.addDay();
    server.reset();
    // The first fetch was two days ago as far as freshness goes: both updates would fetch the new day.
    const raw = new Database(db);
    raw.prepare('UPDATE fetch_state SET last_success_at = last_success_at - ?').run(2 * 86_400_000);
    raw.close();
    // Slow answers, so the two runs would overlap without the lock.
    server.setKnobs({ latencyMs: 400 });
    const update = () =>
      runNodeChild([cliEntry(), '--db', db, 'update', '--json'], { ...env, FETCH_MAX_CONCURRENT: '2' });
    const [a, b] = await Promise.all([update(), update()]);
    server.setKnobs({ latencyMs: 0 });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    for (const s of symbols) assert.equal(server.requestsFor(s), 1, `${s} asked once`);
    assert.match(a.stderr + b.stderr, /another job on this database runs in process [^;]+; update waits for it/);
  });

  it('is not held by a process that was killed holding it', { timeout: 60_000 }, async () => {
    const path = join(dir, 'data', 'locks', 'killed.lock');
    const flags = process.execArgv.filter((f) => !f.startsWith('--test'));
    const holder = spawn(
      process.execPath,
      [
        ...flags,
        '--input-type=module',
        '-e',
        `const { acquireCrossProcessLock } = await import(${JSON.stringify(new URL('../../src/jobs/cross-process-lock.js', import.meta.url).href.replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js'))});
         await acquireCrossProcessLock(${JSON.stringify(path)}); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    let waited = '';
    const second = acquireCrossProcessLock(path, { pollMs: 20, onWait: (h) => (waited = h) });
    while (waited === '') await new Promise((r) => setTimeout(r, 10));
    assert.match(waited, new RegExp(`:${holder.pid}$`), 'the waiting process names the holder');
    holder.kill('SIGKILL');
    const release = await second;
    release();
  });
});
