import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rollingMax, rollingMin } from '../../../src/analysis/index.js';
import type { BarSeries } from '../../../src/domain/bar-series.js';
import { registerKernelContract } from './kernel-contract.js';
import { bruteForceExtreme } from './rolling-extremes.js';
import { CLEAN_SERIES, HOLEY_SERIES, loadSeries, randomWalk, withHole } from './series-fixtures.js';
import { assertMatchesTalib, talibLines } from './talib-reference.js';

/** rollingMax and rollingMin share one kernel; each is checked on the column it is used on (52-week high/low). */
const CASES = [
  {
    name: 'rollingMax',
    kernel: rollingMax,
    talib: 'MAX',
    column: (b: Pick<BarSeries, 'high' | 'low'>) => b.high,
    columnName: 'high',
    extreme: 'highest',
    sign: 1,
  },
  {
    name: 'rollingMin',
    kernel: rollingMin,
    talib: 'MIN',
    column: (b: Pick<BarSeries, 'high' | 'low'>) => b.low,
    columnName: 'low',
    extreme: 'lowest',
    sign: -1,
  },
] as const;

for (const c of CASES) {
  registerKernelContract<Float64Array>({
    name: `${c.name}(20)`,
    firstOutput: 19,
    compute: (b, out) => c.kernel(c.column(b), 20, out),
    newOut: (n) => new Float64Array(n),
    lines: (r) => [r],
  });

  const ref = (values: Float64Array, p: number) =>
    talibLines(c.talib, { inReal: values }, { optInTimePeriod: p }).outReal;

  describe(c.name, () => {
    it(`equals TA-Lib ${c.talib}(20) of the ${c.columnName} on every bar of four real series`, () => {
      for (const name of CLEAN_SERIES) {
        const s = loadSeries(name);
        assertMatchesTalib(c.kernel(c.column(s), 20), ref(c.column(s), 20), name);
      }
    });

    it('equals TA-Lib for periods 2, 5 and 252 (the 52-week window)', () => {
      const s = loadSeries('ge-2006-2016');
      for (const p of [2, 5, 252]) assertMatchesTalib(c.kernel(c.column(s), p), ref(c.column(s), p), `p=${p}`);
    });

    it('equals a brute-force window scan on a long random walk, including ties and monotone runs', () => {
      const walk = randomWalk(5000, 11).close;
      for (let i = 1000; i < 1100; i++) walk[i] = 100; // a plateau of ties
      for (let i = 2000; i < 2100; i++) walk[i] = 200 - i / 100; // strictly falling
      for (let i = 3000; i < 3100; i++) walk[i] = i / 100; // strictly rising
      for (const p of [2, 3, 20, 99]) {
        assert.deepEqual(c.kernel(walk, p), bruteForceExtreme(walk, p, c.sign), `p=${p}`);
      }
    });

    it(`skips missing values: the ${c.extreme} of the bars present, NaN only when the whole window is missing`, () => {
      // marketdeck's rule; TA-Lib's rescan sometimes outputs NaN here (see the next test).
      const s = withHole(loadSeries('aapl-2013-2018'), 600, 625);
      const out = c.kernel(c.column(s), 20);
      assert.deepEqual(out, bruteForceExtreme(c.column(s), 20, c.sign));
      assert.ok(Number.isFinite(out[610]), 'a window holding present bars has a value');
      assert.ok(Number.isNaN(out[624]), 'bars 605..624 are all missing');
      assert.ok(Number.isFinite(out[625]));
    });

    it('equals TA-Lib on every bar where TA-Lib has a value, on series with holes', () => {
      const cases = [
        withHole(loadSeries('aapl-2013-2018'), 600, 605),
        withHole(loadSeries('ge-2006-2016'), 10, 12),
        loadSeries(HOLEY_SERIES),
      ];
      for (const s of cases) {
        const ours = c.kernel(c.column(s), 20);
        const theirs = ref(c.column(s), 20);
        const brute = bruteForceExtreme(c.column(s), 20, c.sign);
        for (let i = 19; i < ours.length; i++) {
          // Where TA-Lib's rescan started on a NaN it has none; there the rule above applies.
          if (Number.isNaN(theirs[i])) {
            assert.equal(ours[i], brute[i], `${s.name} bar ${i}`);
          } else {
            assert.equal(ours[i], theirs[i], `${s.name} bar ${i}`);
          }
        }
      }
    });

    it('rejects period 1, which TA-Lib rejects', () => {
      assert.throws(
        () => c.kernel(new Float64Array(5), 1),
        new RegExp(`${c.name}: period must be an integer from 2 to 100000, got 1`),
      );
    });
  });
}
