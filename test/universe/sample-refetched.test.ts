import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importSample } from '../../src/fetch/import-sample.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchCliEnv } from '../support/fetch-cli-env.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

interface Status {
  sampleData: { tickers: number; allSample: boolean } | null;
  dataNotice: string;
}

describe('sample tickers fetched again from a real source', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  const cli = async (args: string[]) => {
    const r = await runNodeChild([cliEntry(), '--db', db, ...args], env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const status = async () => JSON.parse(await cli(['status', '--json'])) as Status;
  const shownAsSample = async (symbol: string) => JSON.parse(await cli(['show', symbol, '--json'])).sample as boolean;

  before(async () => {
    // The test server's history covers the sample's last day, so Yahoo's answer replaces the sample's bars.
    server = await startMarketTestServer({ firstDay: '2017-01-03', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-sample-refetched-'));
    db = join(dir, 'sample.db');
    env = fetchCliEnv(server.url, dir);
    const store = await SqliteStore.open(db);
    try {
      await importSample(store);
    } finally {
      await store.close();
    }
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stop counting as sample, one by one and then all of them', async () => {
    const imported = await status();
    assert.equal(imported.sampleData?.allSample, true);
    assert.ok(await shownAsSample('AAPL'));

    await cli(['fetch', '--tickers', 'AAPL', '--no-quotes']);
    const one = await status();
    assert.equal(one.sampleData?.allSample, false, 'AAPL now holds Yahoo bars');
    assert.equal(one.sampleData?.tickers, imported.sampleData!.tickers - 1);
    assert.match(one.dataNotice, new RegExp(`; ${imported.sampleData!.tickers - 1} of the tickers are bundled sample`));
    assert.equal(await shownAsSample('AAPL'), false);
    assert.equal(await shownAsSample('MSFT'), true, 'a sample ticker not fetched again is still sample');

    await cli(['fetch', '--universe', 'sample', '--no-quotes']);
    const all = await status();
    assert.equal(all.sampleData, null);
    assert.doesNotMatch(all.dataNotice, /sample/);
    assert.equal(await shownAsSample('MSFT'), false);
  });
});
