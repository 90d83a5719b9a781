import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importSample } from '../../src/fetch/import-sample.js';
import { bundledSampleDir } from '../../src/sources/csv/bundled-sample.js';
import { makeTestStore } from '../support/make-test-store.js';

describe('importSample', () => {
  it('imports the bundled sample with sectors, records it as the sample universe, and is idempotent', async () => {
    const { store, dispose } = await makeTestStore();
    try {
      const first = await importSample(store);
      assert.equal(first.failedFiles.length, 0);
      assert.equal(first.tickers, 107);
      assert.deepEqual(first.dateRange, { from: '2013-02-08', to: '2018-02-07' });
      // The sample keeps its real defects: 10 empty-field rows and AOS's high below low.
      assert.deepEqual(first.rejectsByReason, { 'empty-field': 10, 'high-below-low': 1 });
      assert.equal(first.rowsStored + first.rowsRejected, 127_048);

      const members = await store.universes.get('sample');
      assert.equal(members?.length, 107);
      const listed = (await store.universes.list()).find((u) => u.name === 'sample');
      assert.match(listed?.description ?? '', /^Bundled sample/);

      const disca = await store.tickers.get('DISCA');
      assert.equal(disca?.sector, 'Consumer Discretionary');
      assert.equal(disca?.name, 'Discovery Inc. Class A');
      const sectors = new Set((await store.tickers.list()).map((t) => t.sector));
      assert.equal(sectors.size, 11, 'all 11 sectors of the 2018 list');
      assert.ok((await store.fetchState.get('DISCA', 'sample'))?.flags.some((f) => f.kind === 'suspicious-jump'));

      const again = await importSample(store);
      assert.equal(again.barsAdded + again.barsChanged, 0);
    } finally {
      await dispose();
    }
  });

  it('finds the sample folder from the package, not from the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir('/');
      assert.match(bundledSampleDir(), /sample$/);
    } finally {
      process.chdir(cwd);
    }
  });
});
