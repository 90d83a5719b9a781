import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

/** The part of the `talib` binding's result the tests read. */
interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}

interface TalibBinding {
  version: string;
  execute(params: Record<string, unknown>): TalibResult;
}

const talib = createRequire(import.meta.url)('talib') as TalibBinding;

/** Price columns as the binding wants them; it only reads plain Arrays (a Float64Array gives garbage). */
export interface TalibInputs {
  inReal?: Float64Array;
  high?: Float64Array;
  low?: Float64Array;
  close?: Float64Array;
  volume?: Float64Array;
}

/**
 * Runs TA-Lib function `name` over the whole series and returns each output line re-aligned to the input:
 * NaN before `begIndex` (where TA-Lib gives no output), TA-Lib's value from there on.
 */
export function talibLines(
  name: string,
  inputs: TalibInputs,
  options: Record<string, number>,
): Record<string, Float64Array> {
  const n = (inputs.inReal ?? inputs.close ?? inputs.high) as Float64Array;
  const params: Record<string, unknown> = { name, startIdx: 0, endIdx: n.length - 1, ...options };
  for (const [key, col] of Object.entries(inputs)) if (col !== undefined) params[key] = Array.from(col);
  const r = talib.execute(params);
  if (r === undefined || r.result === undefined) throw new Error(`talib ${name} returned no result`);
  const lines: Record<string, Float64Array> = {};
  for (const [key, values] of Object.entries(r.result)) {
    const line = new Float64Array(n.length).fill(Number.NaN);
    for (let i = 0; i < r.nbElement; i++) line[r.begIndex + i] = values[i];
    lines[key] = line;
  }
  return lines;
}

/**
 * Asserts `actual` equals TA-Lib's line to 1e-9 relative (|a - b| <= 1e-9 * max(1, |b|)) and is NaN exactly
 * where TA-Lib's is; reports the first differing bar.
 */
export function assertMatchesTalib(actual: Float64Array, expected: Float64Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b)) {
      if (!Number.isNaN(a)) assert.fail(`${label}: bar ${i} is ${a}, TA-Lib has no value (NaN)`);
      continue;
    }
    if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) {
      assert.fail(`${label}: bar ${i} is ${a}, TA-Lib says ${b} (diff ${a - b})`);
    }
    compared++;
  }
  // A reference that is all NaN would make the comparison vacuous.
  if (compared === 0 && expected.length > 0) {
    assert.fail(`${label}: TA-Lib produced no values to compare against`);
  }
}

/** Index of the first non-NaN value, or -1. */
export function firstValueIndex(line: Float64Array): number {
  for (let i = 0; i < line.length; i++) if (!Number.isNaN(line[i])) return i;
  return -1;
}
