import assert from 'node:assert/strict';
import { it } from 'node:test';
import { importSample } from '../../src/fetch/import-sample.js';
import { loadDashboardInputs } from '../../src/precompute/precompute.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

it('dashboard inputs read the fetch states and the sample universe once', async () => {
  const store = await SqliteStore.open(':memory:');
  try {
    await importSample(store);
    const calls = { fetchStates: 0, sample: 0 };
    const list = store.fetchState.list.bind(store.fetchState);
    const get = store.universes.get.bind(store.universes);
    store.fetchState.list = (source) => {
      calls.fetchStates++;
      return list(source);
    };
    store.universes.get = (name) => {
      if (name === 'sample') calls.sample++;
      return get(name);
    };
    const inputs = await loadDashboardInputs(store, new Date());
    assert.ok(inputs.sampleSymbols.size > 0);
    assert.equal(inputs.dataSet.sample?.tickers, inputs.sampleSymbols.size);
    assert.deepEqual(calls, { fetchStates: 1, sample: 1 });
  } finally {
    await store.close();
  }
});
