import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScreenerPayload } from '../../src/precompute/build-screener.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../support/run-cli.js';

describe('marketdeck delete', () => {
  let dir: string;
  let db: string;
  const run = (args: string[]) => runCli(db, dir, args);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'md-delete-'));
    db = join(dir, 'marketdeck.db');
    for (const args of [
      ['generate', '--tickers', '4', '--days', '60', '--end', '2024-06-28'],
      ['analyze'],
      ['precompute'],
    ]) {
      const r = run(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without --yes lists what it would delete and deletes nothing', async () => {
    const r = run(['delete', '--tickers', 'S0001']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /delete would remove S0001 \(\d+ bars, \d{4}-\d\d-\d\d \.\. 2024-06-28\); add --yes/);
    const store = await SqliteStore.open(db);
    try {
      assert.ok((await store.tickers.symbolsWithBars()).includes('S0001'));
    } finally {
      await store.close();
    }
  });

  it('with --yes removes the ticker, its fetch state and its analysis, and rebuilds the dashboard', async () => {
    const r = run(['delete', '--tickers', 'S0001,ZZZZ', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no bars stored for ZZZZ, skipped/);
    assert.match(r.stdout, /^deleted S0001 /);
    const store = await SqliteStore.open(db);
    try {
      assert.ok(!(await store.tickers.symbolsWithBars()).includes('S0001'));
      assert.equal(await store.analysis.screenerRow('S0001'), null);
      assert.deepEqual(
        (await store.fetchState.list()).filter((s) => s.symbol === 'S0001'),
        [],
      );
      const screener = (await store.cache.getEntry('screener'))?.value as ScreenerPayload;
      assert.ok(!JSON.stringify(screener).includes('"S0001"'), 'the screener no longer lists S0001');
    } finally {
      await store.close();
    }
    assert.equal(run(['doctor']).code, 0, 'the store is consistent after the delete');
  });

  it('refuses a list of tickers none of which is stored', () => {
    const r = run(['delete', '--tickers', 'ZZZZ', '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no bars stored for ZZZZ; nothing to delete/);
  });
});
