import { dayOfYmd as day, dayFromIso, weekdayOfDay, yearOfDay } from '../../domain/epoch-day.js';

/**
 * Full-day closures of the New York Stock Exchange, used to tell a real gap in a US ticker's bars from a
 * holiday. Rules are the exchange's since 1998 (Martin Luther King Day added); Juneteenth from 2022.
 * Unscheduled closures are listed by date. Early closes (half days) are trading days and not listed.
 * https://www.nyse.com/markets/hours-calendars
 */
const SPECIAL_CLOSURES = [
  '2001-09-11',
  '2001-09-12',
  '2001-09-13',
  '2001-09-14', // September 11 attacks
  '2004-06-11', // funeral of President Reagan
  '2007-01-02', // funeral of President Ford
  '2012-10-29',
  '2012-10-30', // Hurricane Sandy
  '2018-12-05', // funeral of President G. H. W. Bush
  '2025-01-09', // funeral of President Carter
];

const cache = new Map<number, Set<number>>();

/** The NYSE's full-day holidays of a calendar year, as day numbers. */
export function usMarketHolidays(year: number): ReadonlySet<number> {
  let set = cache.get(year);
  if (set) return set;
  set = new Set<number>();
  // A holiday on Sunday moves to Monday, on Saturday to Friday; New Year's Day on a Saturday is not
  // moved back into the old year (the exchange's year-end rule).
  const observed = (d: number, backToFriday = true) => {
    const wd = weekdayOfDay(d);
    if (wd === 0) return d + 1;
    if (wd === 6) return backToFriday ? d - 1 : Number.NaN;
    return d;
  };
  const nthWeekday = (month: number, weekday: number, n: number) => {
    const first = day(year, month, 1);
    return first + ((weekday - weekdayOfDay(first) + 7) % 7) + 7 * (n - 1);
  };
  const lastMonday = (month: number) => {
    const last = day(year, month + 1, 0);
    return last - ((weekdayOfDay(last) - 1 + 7) % 7);
  };
  const add = (d: number) => {
    if (!Number.isNaN(d)) set?.add(d);
  };
  add(observed(day(year, 1, 1), false));
  if (year >= 1998) add(nthWeekday(1, 1, 3));
  add(nthWeekday(2, 1, 3));
  add(easterSunday(year) - 2);
  add(lastMonday(5));
  if (year >= 2022) add(observed(day(year, 6, 19)));
  add(observed(day(year, 7, 4)));
  add(nthWeekday(9, 1, 1));
  add(nthWeekday(11, 4, 4));
  add(observed(day(year, 12, 25)));
  for (const iso of SPECIAL_CLOSURES) {
    if (Number(iso.slice(0, 4)) === year) add(dayFromIso(iso));
  }
  cache.set(year, set);
  return set;
}

/** True for a weekday the NYSE was (or will be, by its rules) open. */
export function isUsTradingDay(d: number): boolean {
  const wd = weekdayOfDay(d);
  if (wd === 0 || wd === 6) return false;
  return !usMarketHolidays(yearOfDay(d)).has(d);
}

/** Easter Sunday of a Gregorian year as a day number (the anonymous Gregorian algorithm). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return day(year, month, dayOfMonth);
}
