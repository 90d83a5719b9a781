import { type BarSeries, lowerBound, sliceBarSeriesAt } from '../../domain/bar-series.js';
import { firstDayOfYear, yearOfDay } from '../../domain/epoch-day.js';
import { decodeBarChunk, encodeBarChunk, MAX_YEAR, MIN_YEAR } from '../bar-codec.js';
import { mergeBarChunk } from '../merge-bar-chunk.js';
import type { BarStatements, TickerBarsRow, YearChunkRow } from './sqlite-bar-statements.js';

export interface BarWriteCounts {
  added: number;
  changed: number;
  removed: number;
}

/**
 * How many bars the tail may hold before it is folded into the year rows. Staggered by ticker id so
 * the tickers of a market written on the same day do not all fold (rewrite a whole year) on the same
 * later day; at most 47 bars keeps a tail row inside one 4 KiB page.
 */
export function tailLimit(tickerId: number): number {
  return 16 + (tickerId % 32);
}

/**
 * Writes a ticker's bars into its year rows and its tail. Bars later than everything stored (the daily
 * update, a re-fetch of the last days) go to the small tail row; anything else folds the tail into the
 * year rows first and then rewrites just the years it touches. Unchanged years are never rewritten.
 */
export class SqliteBarChunkWriter {
  constructor(private readonly s: BarStatements) {}

  /**
   * `knownTail` is the ticker's tail as the caller already decoded it in this transaction (null: it has no
   * tail row), which spares the daily update a second read; undefined reads it here.
   */
  write(t: TickerBarsRow, bars: BarSeries, mode: 'merge' | 'replace', knownTail?: BarSeries | null): BarWriteCounts {
    const tail = knownTail !== undefined ? knownTail : this.readTail(t.id, bars.symbol);
    if (mode === 'merge' && bars.dates.length > 0 && onlyTouchesTail(t, tail, bars)) {
      const r = mergeBarChunk(tail, bars, 'merge');
      if (r.added + r.changed > 0) {
        if (r.merged.dates.length <= tailLimit(t.id)) {
          this.s.putTail.run(t.id, r.merged.dates.length, encodeBarChunk(r.merged));
        } else {
          this.writeYears(t.id, r.merged, 'merge');
          this.s.deleteTail.run(t.id);
        }
      }
      return { added: r.added, changed: r.changed, removed: 0 };
    }
    if (tail) {
      // Its counts are not the caller's: these bars were stored already, only their row changes.
      this.writeYears(t.id, tail, 'merge');
      this.s.deleteTail.run(t.id);
    }
    return this.writeYears(t.id, bars, mode);
  }

  private readTail(tickerId: number, symbol: string): BarSeries | null {
    const row = this.s.tail.get(tickerId);
    return row ? decodeBarChunk(symbol, row[0], row[1]) : null;
  }

  /** Rewrites the year rows `bars` touches (every stored year for 'replace'); returns the counts. */
  private writeYears(tickerId: number, bars: BarSeries, mode: 'merge' | 'replace'): BarWriteCounts {
    const n = bars.dates.length;
    const [fromYear, toYear] =
      mode === 'replace' || n === 0 ? [MIN_YEAR, MAX_YEAR] : [yearOfDay(bars.dates[0]), yearOfDay(bars.dates[n - 1])];
    const stored = new Map<number, YearChunkRow>();
    for (const row of this.s.yearChunks.all(tickerId, fromYear, toYear)) stored.set(row[0], row);
    let added = 0;
    let changed = 0;
    let removed = 0;
    for (let start = 0; start < n; ) {
      const year = yearOfDay(bars.dates[start]);
      const end = lowerBound(bars.dates, firstDayOfYear(year + 1));
      const row = stored.get(year);
      stored.delete(year);
      const old = row ? decodeBarChunk(bars.symbol, row[1], row[2]) : null;
      const r = mergeBarChunk(old, sliceBarSeriesAt(bars, start, end), mode);
      if (r.added + r.changed + r.removed > 0) {
        this.s.putChunk.run(tickerId, year, r.merged.dates.length, encodeBarChunk(r.merged));
      }
      added += r.added;
      changed += r.changed;
      removed += r.removed;
      start = end;
    }
    // Left over after 'replace': stored years the new history no longer has.
    if (mode === 'replace') {
      for (const [year, row] of stored) {
        removed += row[1];
        this.s.deleteChunk.run(tickerId, year);
      }
    }
    return { added, changed, removed };
  }
}

/** True when every incoming bar is later than the year rows, so only the tail needs rewriting. */
function onlyTouchesTail(t: TickerBarsRow, tail: BarSeries | null, bars: BarSeries): boolean {
  if (tail && tail.dates.length > 0) return bars.dates[0] >= tail.dates[0];
  return t.bar_count > 0 && t.last_date !== null && bars.dates[0] > t.last_date;
}
