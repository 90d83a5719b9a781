import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import { type GapPlan, planGapRequests } from '../../src/fetch/plan-gap-requests.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { nyseSeries } from '../operations/nyse-series.js';

/** Every request of a plan whose start is after its end: what a source must never be asked for. */
const inverted = (plan: GapPlan) =>
  [...plan.requests.values()].flat().filter((r) => r.from !== undefined && r.to !== undefined && r.from > r.to);

describe('planGapRequests with a window that starts after a ticker’s stored history ends', () => {
  let dir: string;
  let store: SqliteStore;
  /** Long after the stored bars (2018) end: where `--days 30` starts today. */
  const from = dayFromIso('2026-11-06');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-plan-gaps-'));
    store = await SqliteStore.open(join(dir, 'plan.db'));
    // OLD has a gap in January 2018; both end on 2018-02-09, as the bundled sample does.
    await store.bars.writeTicker({
      symbol: 'OLD',
      bars: nyseSeries('OLD', '2018-01-02', '2018-02-09', ['2018-01-10']),
    });
    await store.bars.writeTicker({ symbol: 'OLDER', bars: nyseSeries('OLDER', '2017-12-01', '2018-02-09') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('in gaps mode finds nothing to ask in the window: its gaps are all before it', async () => {
    const plan = planGapRequests(await computeCoverage(store), { from });
    assert.deepEqual(inverted(plan), []);
    assert.equal(plan.total, 0);
    assert.deepEqual(plan.complete.sort(), ['OLD', 'OLDER']);
  });

  it('in whole-range mode asks from the window’s start up to the source’s latest day, never an inverted range', async () => {
    const plan = planGapRequests(await computeCoverage(store), { from, wholeRange: true });
    assert.deepEqual(inverted(plan), []);
    assert.equal(plan.total, 2);
    for (const symbol of ['OLD', 'OLDER']) {
      assert.deepEqual(
        plan.requests.get(symbol)?.map((r) => [r.from, r.to]),
        [[from, undefined]],
        symbol,
      );
    }
  });

  it('in whole-range mode still ends at the calendar’s latest day when the window starts inside the stored range', async () => {
    const plan = planGapRequests(await computeCoverage(store), { from: dayFromIso('2018-01-15'), wholeRange: true });
    assert.deepEqual(
      plan.requests.get('OLD')?.map((r) => [r.from, r.to]),
      [[dayFromIso('2018-01-15'), dayFromIso('2018-02-09')]],
    );
  });
});
