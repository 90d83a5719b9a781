import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HeatmapPayload } from '../../src/precompute/build-heatmap.js';
import type { OverviewPayload } from '../../src/precompute/build-overview.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../support/run-cli.js';

describe('one stray ticker a day ahead of the sample', () => {
  let dir: string;
  let db: string;
  const run = (args: string[]) => {
    const r = runCli(db, dir, args);
    assert.ok(r.code === 0, `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'md-stray-'));
    db = join(dir, 'marketdeck.db');
    run(['up', '--no-serve']);
    const csv = join(dir, 'test.csv');
    writeFileSync(csv, 'date,open,high,low,close,volume,Name\n2018-02-08,10,11,9,10.5,1000,TEST\n');
    run(['import', csv]);
    run(['analyze']);
    run(['precompute']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the market's date, breadth and movers on the day the sample's tickers share", async () => {
    const store = await SqliteStore.open(db);
    try {
      const overview = (await store.cache.getEntry('overview'))?.value as OverviewPayload;
      assert.equal(overview.asOf, '2018-02-07');
      assert.equal(overview.breadth?.date, '2018-02-07');
      const { advancers, decliners } = overview.breadth?.values ?? {};
      assert.ok((advancers ?? 0) + (decliners ?? 0) > 50, `advancers ${advancers}, decliners ${decliners}`);
      assert.equal(overview.freshness.behindLatest, 0, 'no sample ticker is behind the market day');
      assert.ok(overview.topGainers.length + overview.topLosers.length > 0);
      const heatmap = (await store.cache.getEntry('heatmap'))?.value as HeatmapPayload;
      assert.equal(heatmap.asOf, '2018-02-07');
      const status = JSON.parse(run(['status', '--json']));
      assert.deepEqual([status.sampleData.from, status.sampleData.to], ['2013-02-08', '2018-02-07']);
    } finally {
      await store.close();
    }
  });
});
