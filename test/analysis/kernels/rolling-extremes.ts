/** Brute-force reference for rollingMax/rollingMin: the extreme of the non-NaN values in each window. */
export function bruteForceExtreme(values: Float64Array, period: number, sign: 1 | -1): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = period - 1; i < values.length; i++) {
    let best = Number.NaN;
    for (let j = i - period + 1; j <= i; j++) {
      const v = values[j];
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(best) || (sign === 1 ? v > best : v < best)) best = v;
    }
    out[i] = best;
  }
  return out;
}
