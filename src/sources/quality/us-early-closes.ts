import { dayOfYmd as day, weekdayOfDay } from '../../domain/epoch-day.js';
import { usMarketHolidays } from './us-market-holidays.js';

const cache = new Map<number, Set<number>>();

/**
 * The NYSE's scheduled early closes (13:00 New York) of a year: the day before Independence Day when it is
 * a Monday to Thursday, the day after Thanksgiving, and Christmas Eve on a Monday to Thursday. They are
 * trading days with a short session: a daily bar is expected on each, so a coverage check counts them.
 * https://www.nyse.com/markets/hours-calendars
 */
export function usEarlyCloses(year: number): ReadonlySet<number> {
  let set = cache.get(year);
  if (set) return set;
  set = new Set<number>();
  const holidays = usMarketHolidays(year);
  const weekdayMonToThu = (d: number) => {
    const wd = weekdayOfDay(d);
    return wd >= 1 && wd <= 4;
  };
  const july3 = day(year, 7, 3);
  if (weekdayMonToThu(july3) && !holidays.has(july3)) set.add(july3);
  // Thanksgiving is the fourth Thursday of November; the Friday after it closes early.
  const nov1 = day(year, 11, 1);
  const thanksgiving = nov1 + ((4 - weekdayOfDay(nov1) + 7) % 7) + 21;
  set.add(thanksgiving + 1);
  const christmasEve = day(year, 12, 24);
  if (weekdayMonToThu(christmasEve) && !holidays.has(christmasEve)) set.add(christmasEve);
  cache.set(year, set);
  return set;
}
