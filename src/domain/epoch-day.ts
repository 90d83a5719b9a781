/**
 * An exchange trading date as whole days since 1970-01-01. Bars carry the date the exchange traded on,
 * not an instant, so a plain day number keeps time zones out of every comparison and fits an Int32Array.
 */
export type EpochDay = number & { readonly __brand: 'EpochDay' };

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`; throws naming the value when it is not a real calendar date. */
export function dayFromIso(iso: string): EpochDay {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new RangeError(`date "${iso}" is not of the form YYYY-MM-DD`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new RangeError(`date "${iso}" is not a calendar date`);
  }
  return (ms / MS_PER_DAY) as EpochDay;
}

/** Day number -> `YYYY-MM-DD`. */
export function isoFromDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Calendar year of a day number, the partition key of the columnar bar store. */
export function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Day number of a calendar date (month 1-12); out-of-range days roll over as Date.UTC's do (day 0 = last of the month before). */
export function dayOfYmd(year: number, month: number, day: number): EpochDay {
  return (Date.UTC(year, month - 1, day) / MS_PER_DAY) as EpochDay;
}

/** Day number of 1 January of `year`. */
export function firstDayOfYear(year: number): EpochDay {
  return (Date.UTC(year, 0, 1) / MS_PER_DAY) as EpochDay;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Today's date in UTC as a day number. */
export function todayUtc(now: Date = new Date()): EpochDay {
  return Math.floor(now.getTime() / MS_PER_DAY) as EpochDay;
}
