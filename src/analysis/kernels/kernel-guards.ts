/**
 * Argument checks shared by the indicator kernels. They run once per call, never inside a kernel's loop,
 * and reject the same parameter ranges TA-Lib rejects (it answers TA_BAD_PARAM; we throw, naming the value).
 */

/** TA-Lib's upper bound for every period parameter. */
export const MAX_PERIOD = 100_000;

/** Throws unless `period` is an integer in [min, MAX_PERIOD]; `what` names the kernel and parameter. */
export function checkPeriod(what: string, period: number, min: number): void {
  if (!Number.isInteger(period) || period < min || period > MAX_PERIOD) {
    throw new RangeError(`${what} must be an integer from ${min} to ${MAX_PERIOD}, got ${period}`);
  }
}

/** Throws unless `value` is a finite number (band widths, multipliers). */
export function checkFinite(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${what} must be a finite number, got ${value}`);
  }
}

/** Throws unless a parallel input column (high, low, volume...) has the length of the first one. */
export function checkSameLength(kernel: string, name: string, column: Float64Array, expected: number): void {
  if (column.length !== expected) {
    throw new RangeError(
      `${kernel}: ${name} has ${column.length} values, expected ${expected} (every input column must be the same bars)`,
    );
  }
}

/**
 * The caller's output buffer when given (it must have the input's length), else a new one. Reusing buffers
 * across tickers is what keeps a whole-market run free of garbage; pass `buf.subarray(0, n)` to reuse a
 * longer one.
 */
export function outputFor(kernel: string, name: string, out: Float64Array | undefined, n: number): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (!(out instanceof Float64Array)) {
    throw new TypeError(`${kernel}: ${name} must be a Float64Array, got ${Object.prototype.toString.call(out)}`);
  }
  if (out.length !== n) {
    throw new RangeError(
      `${kernel}: ${name} has length ${out.length}, expected ${n} (the input length); pass a subarray to reuse a longer buffer`,
    );
  }
  return out;
}
