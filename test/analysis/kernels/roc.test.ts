import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roc } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'roc(10)',
  firstOutput: 10,
  compute: (b, out) => roc(b.close, 10, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (close: Float64Array, p: number) => talibLines('ROC', { inReal: close }, { optInTimePeriod: p }).outReal;

describe('roc', () => {
  it('equals TA-Lib ROC(10) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const { close } = loadSeries(name);
      assertMatchesTalib(roc(close, 10), ref(close, 10), name);
    }
  });

  it('equals TA-Lib for periods 1, 21 and 252', () => {
    const { close } = loadSeries('ge-2006-2016');
    for (const p of [1, 21, 252]) assertMatchesTalib(roc(close, p), ref(close, p), `p=${p}`);
  });

  it('is the percent change over the period', () => {
    const out = roc(Float64Array.from([50, 60, 55, 75]), 2);
    assert.ok(Number.isNaN(out[1]));
    assert.ok(Math.abs(out[2] - 10) < 1e-12);
    assert.ok(Math.abs(out[3] - 25) < 1e-12);
  });

  it('answers 0, not Infinity, when the old price is 0, as TA-Lib', () => {
    assert.equal(roc(Float64Array.from([0, 5]), 1)[1], 0);
  });

  it('is NaN only on bars whose own or period-old close is missing, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = roc(s.close, 10);
    assertMatchesTalib(out, ref(s.close, 10), s.name);
    for (let i = 590; i < 620; i++) {
      const missing = (i >= 600 && i < 605) || (i >= 610 && i < 615);
      assert.equal(Number.isNaN(out[i]), missing, `bar ${i}`);
    }
  });
});
