import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BREADTH_FIELDS, type BreadthSeries } from '../../src/domain/breadth-series.js';
import { buildBreadthPayload } from '../../src/precompute/build-breadth-payload.js';

/** 30 days of 100 tickers, 60 above their SMA 50, except day 15 on which one ticker traded alone (above it). */
function seriesWithThinDay(): BreadthSeries {
  const days = 30;
  const series = { scope: 'all', dates: Int32Array.from({ length: days }, (_, i) => 19_000 + i) } as BreadthSeries;
  for (const field of BREADTH_FIELDS) {
    (series as unknown as Record<string, Float64Array>)[field] = new Float64Array(days).fill(1);
  }
  series.advancers.fill(50);
  series.decliners.fill(40);
  series.unchanged.fill(10);
  series.pctAboveSma50.fill(60);
  series.advancers[15] = 1;
  series.decliners[15] = 0;
  series.unchanged[15] = 0;
  series.pctAboveSma50[15] = 100;
  return series;
}

describe('buildBreadthPayload', () => {
  it('leaves the share measures of a day that counted few of the usual tickers empty, and its counts as they are', () => {
    const p = buildBreadthPayload('sp500', seriesWithThinDay());
    assert.equal(p.series.pctAboveSma50[15], null);
    assert.equal(p.series.adPercent[15], null);
    assert.equal(p.series.advancers[15], 1);
    assert.deepEqual(
      p.series.pctAboveSma50.filter((_, i) => i !== 15),
      Array(29).fill(60),
    );
  });

  it('keeps every day of a universe whose size changes slowly', () => {
    const s = seriesWithThinDay();
    for (let i = 0; i < 30; i++) s.advancers[i] = 40 + i;
    s.decliners.fill(40);
    s.unchanged.fill(10);
    const p = buildBreadthPayload('sp500', s);
    assert.equal(p.series.pctAboveSma50.filter((v) => v === null).length, 0);
  });
});
