/** Seconds in a day: the x values of daily charts are UTC midnights. */
const DAY = 86_400;

/**
 * Tick steps of a chart of daily figures: whole days and up. Left to itself uPlot picks hour steps for a
 * week of days and labels them "12am" / "12pm", times of day that a daily series does not have.
 */
export const DAY_INCREMENTS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 30, 60, 90, 120, 180, 365, 730, 1825,
].map((days) => days * DAY);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Labels of a daily chart's ticks, in UTC as its days are: the day ("Mar 5"), or the month when ticks are
 * months apart, or the year; the year is added under the first tick and wherever it changes. Never a time.
 */
export function dayTicks(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : DAY;
  let year = Number.NaN;
  return ticks.map((t) => {
    const d = new Date(t * 1000);
    const y = d.getUTCFullYear();
    const newYear = y !== year;
    year = y;
    if (step >= 365 * DAY) return String(y);
    const head = step >= 28 * DAY ? MONTHS[d.getUTCMonth()] : `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
    return newYear ? `${head}\n${y}` : head;
  });
}
