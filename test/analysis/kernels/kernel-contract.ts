import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomWalk, type SeriesFixture } from './series-fixtures.js';

/** How the shared contract drives one kernel with fixed parameters. */
export interface KernelUnderTest<R> {
  /** Kernel and parameters, e.g. 'rsi(14)'. */
  name: string;
  /** The first bar with a value (TA-Lib's begIndex); 0 when there is no warm-up (OBV). */
  firstOutput: number;
  compute(bars: SeriesFixture, out?: R): R;
  /** Fresh output buffers of length n, in the shape `compute` takes as `out`. */
  newOut(n: number): R;
  /** The output lines of a result, in a fixed order. */
  lines(result: R): Float64Array[];
}

function sameValues(a: Float64Array, b: Float64Array, label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      assert.fail(`${label}: bar ${i} is ${a[i]}, expected ${b[i]}`);
    }
  }
}

/**
 * The contract every kernel registers: NaN exactly until its warm-up ends, length preserved, output buffers
 * reused and returned, inputs untouched, no throw on 0 or 1 bars, all NaN on a series too short to warm up.
 */
export function registerKernelContract<R>(k: KernelUnderTest<R>): void {
  describe(`${k.name} kernel contract`, () => {
    const bars = randomWalk(300);

    it(`returns NaN before bar ${k.firstOutput} and a finite number on every bar from there on`, () => {
      for (const [j, line] of k.lines(k.compute(bars)).entries()) {
        for (let i = 0; i < line.length; i++) {
          if (i < k.firstOutput) assert.ok(Number.isNaN(line[i]), `line ${j} bar ${i} should be NaN, is ${line[i]}`);
          else assert.ok(Number.isFinite(line[i]), `line ${j} bar ${i} should be a number, is ${line[i]}`);
        }
      }
    });

    it('returns lines exactly as long as the input', () => {
      for (const n of [0, 1, k.firstOutput, k.firstOutput + 1, 300]) {
        const input = randomWalk(n, 7);
        for (const line of k.lines(k.compute(input))) assert.equal(line.length, n);
      }
    });

    it('writes into the given out buffers, returns them, and leaves no stale value behind', () => {
      const fresh = k.lines(k.compute(bars));
      const out = k.newOut(bars.close.length);
      for (const line of k.lines(out)) line.fill(7777);
      const result = k.compute(bars, out);
      assert.equal(result, out, 'the out argument itself is returned');
      const got = k.lines(result);
      for (const [j, line] of k.lines(out).entries()) {
        assert.equal(got[j], line, `line ${j} is the caller's buffer`);
        sameValues(line, fresh[j], `line ${j}`);
      }
      // A second ticker through the same buffers gives what a fresh call gives.
      const other = randomWalk(300, 99);
      const again = k.lines(k.compute(other, out));
      for (const [j, line] of k.lines(k.compute(other)).entries()) sameValues(again[j], line, `reused line ${j}`);
    });

    it('does not modify its inputs', () => {
      const copy = { ...bars, high: bars.high.slice(), low: bars.low.slice(), close: bars.close.slice() };
      copy.volume = bars.volume.slice();
      k.compute(copy);
      sameValues(copy.high, bars.high, 'high');
      sameValues(copy.low, bars.low, 'low');
      sameValues(copy.close, bars.close, 'close');
      sameValues(copy.volume, bars.volume, 'volume');
    });

    it('returns empty lines for an empty series without throwing', () => {
      const lines = k.lines(k.compute(randomWalk(0)));
      assert.ok(lines.length > 0);
      for (const line of lines) assert.equal(line.length, 0);
    });

    it('handles a one-bar series', () => {
      const one = randomWalk(1);
      for (const line of k.lines(k.compute(one))) {
        assert.equal(line.length, 1);
        if (k.firstOutput > 0) assert.ok(Number.isNaN(line[0]), `got ${line[0]}`);
        else assert.ok(Number.isFinite(line[0]), `got ${line[0]}`);
      }
    });

    if (k.firstOutput > 0) {
      it(`returns only NaN for a series of ${k.firstOutput} bars, one short of the first value`, () => {
        const short = randomWalk(k.firstOutput, 3);
        const out = k.newOut(k.firstOutput);
        for (const line of k.lines(out)) line.fill(1);
        for (const line of k.lines(k.compute(short, out))) {
          assert.ok(
            line.every((v) => Number.isNaN(v)),
            'every bar NaN, including stale values in a reused buffer',
          );
        }
      });
    }

    it('rejects an out buffer whose length is not the input length, naming both', () => {
      assert.throws(
        () => k.compute(bars, k.newOut(bars.close.length - 1)),
        (e: unknown) => e instanceof RangeError && /299/.test(e.message) && /300/.test(e.message),
      );
    });
  });
}
