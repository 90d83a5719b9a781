/** A symbol's closes on a shared calendar, each day carrying the last close at or before it (NaN before the first). */
export function alignCloses(calendar: Int32Array, dates: Int32Array | null, closes: Float64Array | null): Float64Array {
  const out = new Float64Array(calendar.length).fill(Number.NaN);
  if (!dates || !closes) return out;
  let j = 0;
  let last = Number.NaN;
  for (let i = 0; i < calendar.length; i++) {
    while (j < dates.length && dates[j] <= calendar[i]) {
      if (Number.isFinite(closes[j])) last = closes[j];
      j++;
    }
    out[i] = last;
  }
  return out;
}

/** The sorted union of several date arrays from `from` on (every exchange date any of them traded). */
export function unionCalendar(dateArrays: readonly Int32Array[], from: number, to: number): Int32Array {
  if (to < from) return new Int32Array(0);
  const seen = new Uint8Array(to - from + 1);
  for (const dates of dateArrays) {
    for (let i = 0; i < dates.length; i++) {
      const d = dates[i];
      if (d >= from && d <= to) seen[d - from] = 1;
    }
  }
  let n = 0;
  for (let i = 0; i < seen.length; i++) n += seen[i];
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < seen.length; i++) if (seen[i]) out[k++] = from + i;
  return out;
}
