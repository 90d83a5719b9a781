import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stddev } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'stddev(20)',
  firstOutput: 19,
  compute: (b, out) => stddev(b.close, 20, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (close: Float64Array, p: number) =>
  talibLines('STDDEV', { inReal: close }, { optInTimePeriod: p, optInNbDev: 1 }).outReal;

describe('stddev', () => {
  it('equals TA-Lib STDDEV(20, nbdev 1) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const { close } = loadSeries(name);
      assertMatchesTalib(stddev(close, 20), ref(close, 20), name);
    }
  });

  it('equals TA-Lib for periods 2, 5 and 252', () => {
    const { close } = loadSeries('ge-2006-2016');
    for (const p of [2, 5, 252]) assertMatchesTalib(stddev(close, p), ref(close, p), `p=${p}`);
  });

  it('is the population deviation (divides by the period, not period - 1)', () => {
    const out = stddev(Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]), 8);
    assert.ok(Math.abs(out[7] - 2) < 1e-12, `got ${out[7]}`);
  });

  it('is exactly 0 on flat prices', () => {
    const out = stddev(flatSeries(30, 123.45).close, 10);
    for (let i = 9; i < 30; i++) assert.equal(out[i], 0);
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('xom-2013-2018'), 300, 301);
    const out = stddev(s.close, 20);
    assertMatchesTalib(out, ref(s.close, 20), s.name);
    assert.ok(Number.isFinite(out[299]));
    assert.ok(out.subarray(300).every((v) => Number.isNaN(v)));
  });
});
