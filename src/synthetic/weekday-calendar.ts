import { weekdayOfDay } from '../domain/epoch-day.js';

/**
 * The last `days` weekdays up to `endDay` (moved back to a Friday when it falls on a weekend), ascending.
 * Synthetic markets trade every weekday: holidays would add realism but no behaviour worth testing.
 */
export function weekdayCalendar(endDay: number, days: number): Int32Array {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days ${days} is not valid; expected an integer >= 0`);
  const out = new Int32Array(days);
  let day = endDay;
  for (let i = days - 1; i >= 0; i--) {
    while (isWeekend(day)) day--;
    out[i] = day;
    day--;
  }
  return out;
}

export function isWeekend(day: number): boolean {
  const w = weekdayOfDay(day);
  return w === 0 || w === 6;
}
