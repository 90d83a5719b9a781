import type { EpochDay } from '../domain/epoch-day.js';

/**
 * Reads an instant as the calendar date of an exchange: Yahoo stamps each daily bar with the session start
 * (US stocks 09:30 New York, futures 00:00 local), so the trading date is that instant read in the exchange's
 * IANA zone with the time-zone database. A fixed offset (Yahoo's meta.gmtoffset) is the offset at the time of
 * the request and puts summer bars stamped at local midnight on the previous day.
 *
 * One formatter per zone is kept, and the answers are memoised per zone: every US stock shares the same
 * session-start instants, so a whole-market fetch converts each distinct instant once.
 */
export class ExchangeDayReader {
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();
  private readonly memo = new Map<string, Map<number, number>>();

  constructor(private readonly maxMemoPerZone = 100_000) {}

  /**
   * Loads the time-zone database (the first zoned formatter costs ~15 ms; later ones, of any zone, ~0.2 ms),
   * so that a source can pay for it when it is set up instead of when the first answers arrive.
   */
  warmUp(): void {
    if (this.formatters.size === 0) this.compute(0, WARM_UP_ZONE);
  }

  /** Throws RangeError naming the zone when the time-zone database does not know it. */
  dayOf(epochSeconds: number, timeZone: string): EpochDay {
    let memo = this.memo.get(timeZone);
    if (memo === undefined) {
      memo = new Map();
      this.memo.set(timeZone, memo);
    }
    const hit = memo.get(epochSeconds);
    if (hit !== undefined) return hit as EpochDay;
    const day = this.compute(epochSeconds, timeZone);
    if (memo.size >= this.maxMemoPerZone) memo.clear();
    memo.set(epochSeconds, day);
    return day as EpochDay;
  }

  private compute(epochSeconds: number, timeZone: string): number {
    let f = this.formatters.get(timeZone);
    if (f === undefined) {
      try {
        f = new Intl.DateTimeFormat('en-US', {
          timeZone,
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hourCycle: 'h23',
        });
      } catch {
        throw new RangeError(
          `time zone "${timeZone}" is not in the time-zone database; expected an IANA name like America/New_York`,
        );
      }
      this.formatters.set(timeZone, f);
    }
    let year = 0;
    let month = 0;
    let day = 0;
    for (const part of f.formatToParts(epochSeconds * 1000)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
    }
    return Date.UTC(year, month - 1, day) / 86_400_000;
  }
}

/** Any IANA zone loads the database; this one is also the zone of most answers. */
const WARM_UP_ZONE = 'America/New_York';

/** The process-wide reader the sources share (the memo is what makes it worth sharing). */
export const exchangeDays = new ExchangeDayReader();
