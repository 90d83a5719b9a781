import { type BarSeries, emptyBarSeries } from '../domain/bar-series.js';

/** What writing `incoming` over one stored chunk did; zero counts mean the stored chunk stays untouched. */
export interface ChunkMergeResult {
  /** The chunk to store; shares arrays with the inputs when nothing had to be copied. */
  merged: BarSeries;
  added: number;
  changed: number;
  /** Stored bars dropped by a 'replace' write (always 0 for 'merge'). */
  removed: number;
}

/**
 * Merges incoming bars into one stored chunk (both ascending by date) and counts what changed, so a
 * re-run of the same write reports 0 added and 0 changed and leaves the stored bytes alone.
 * 'merge': incoming wins on a shared date, other stored bars are kept. 'replace': the result is exactly
 * `incoming`; stored dates it lacks count as removed. Adapter-neutral: any Store can use it.
 *
 * Field by field loops over typed arrays (never `row[field]` per bar) keep it cheap enough to run for
 * every ticker of the market on each daily update.
 */
export function mergeBarChunk(
  stored: BarSeries | null,
  incoming: BarSeries,
  mode: 'merge' | 'replace',
): ChunkMergeResult {
  const a = stored ?? emptyBarSeries(incoming.symbol);
  const b = incoming;
  const na = a.dates.length;
  const nb = b.dates.length;
  // Appending after the stored bars (the daily update) needs no comparison at all.
  if (mode === 'merge' && na > 0 && nb > 0 && a.dates[na - 1] < b.dates[0]) {
    return { merged: concat(a, b), added: nb, changed: 0, removed: 0 };
  }
  // pick[k] >= 0: bar k of the merge is a[pick[k]]; pick[k] < 0: it is b[~pick[k]].
  const pick = new Int32Array(na + nb);
  const sharedA = new Int32Array(Math.min(na, nb));
  const sharedB = new Int32Array(sharedA.length);
  let shared = 0;
  let k = 0;
  let removed = 0;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    if (j >= nb || (i < na && a.dates[i] < b.dates[j])) {
      if (mode === 'replace') removed++;
      else pick[k++] = i;
      i++;
    } else if (i >= na || b.dates[j] < a.dates[i]) {
      pick[k++] = ~j;
      j++;
    } else {
      sharedA[shared] = i;
      sharedB[shared] = j;
      shared++;
      pick[k++] = ~j;
      i++;
      j++;
    }
  }
  const added = nb - shared;
  const changed = countChanged(a, b, sharedA, sharedB, shared);
  if (mode === 'replace' || na === 0) return { merged: b, added, changed, removed };
  if (added === 0 && changed === 0) return { merged: a, added, changed, removed };
  const out = emptyBarSeries(a.symbol, k);
  gatherInt(out.dates, a.dates, b.dates, pick);
  gather(out.open, a.open, b.open, pick);
  gather(out.high, a.high, b.high, pick);
  gather(out.low, a.low, b.low, pick);
  gather(out.close, a.close, b.close, pick);
  gather(out.adjClose, a.adjClose, b.adjClose, pick);
  gather(out.volume, a.volume, b.volume, pick);
  return { merged: out, added, changed, removed };
}

/** Shared dates whose values differ in any field; NaN equals NaN (a missing value re-written is no change). */
function countChanged(a: BarSeries, b: BarSeries, ia: Int32Array, ib: Int32Array, n: number): number {
  if (n === 0) return 0;
  const diff = new Uint8Array(n);
  markDiffs(a.open, b.open, ia, ib, n, diff);
  markDiffs(a.high, b.high, ia, ib, n, diff);
  markDiffs(a.low, b.low, ia, ib, n, diff);
  markDiffs(a.close, b.close, ia, ib, n, diff);
  markDiffs(a.adjClose, b.adjClose, ia, ib, n, diff);
  markDiffs(a.volume, b.volume, ia, ib, n, diff);
  let changed = 0;
  for (let p = 0; p < n; p++) changed += diff[p];
  return changed;
}

function markDiffs(x: Float64Array, y: Float64Array, ia: Int32Array, ib: Int32Array, n: number, diff: Uint8Array) {
  for (let p = 0; p < n; p++) {
    const u = x[ia[p]];
    const v = y[ib[p]];
    if (u !== v && !(Number.isNaN(u) && Number.isNaN(v))) diff[p] = 1;
  }
}

function gather(out: Float64Array, a: Float64Array, b: Float64Array, pick: Int32Array): void {
  for (let k = 0; k < out.length; k++) {
    const p = pick[k];
    out[k] = p >= 0 ? a[p] : b[~p];
  }
}

function gatherInt(out: Int32Array, a: Int32Array, b: Int32Array, pick: Int32Array): void {
  for (let k = 0; k < out.length; k++) {
    const p = pick[k];
    out[k] = p >= 0 ? a[p] : b[~p];
  }
}

function concat(a: BarSeries, b: BarSeries): BarSeries {
  const na = a.dates.length;
  const out = emptyBarSeries(a.symbol, na + b.dates.length);
  out.dates.set(a.dates);
  out.dates.set(b.dates, na);
  out.open.set(a.open);
  out.open.set(b.open, na);
  out.high.set(a.high);
  out.high.set(b.high, na);
  out.low.set(a.low);
  out.low.set(b.low, na);
  out.close.set(a.close);
  out.close.set(b.close, na);
  out.adjClose.set(a.adjClose);
  out.adjClose.set(b.adjClose, na);
  out.volume.set(a.volume);
  out.volume.set(b.volume, na);
  return out;
}
