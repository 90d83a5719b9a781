/**
 * A ticker whose newest bar is this many calendar days older than the newest bar of all still counts as
 * part of the market when its "as of" date is chosen; older ones (delisted, no longer fetched) do not.
 */
export const MARKET_RECENT_DAYS = 28;

/**
 * The market's "as of" date: the latest date that at least half of the recently traded tickers have
 * reached. One early or stray ticker (a CSV a day ahead, a fetch that ran after one close) never moves the
 * whole market onto a day the rest has not traded, while a day most tickers have reached is the market's
 * as soon as it is. Null when no ticker has a bar.
 */
export function marketDate(lastDates: Iterable<number>): number | null {
  const dates = [...lastDates];
  if (dates.length === 0) return null;
  // A loop, not Math.max(...dates): a market of 100,000 tickers is more arguments than a call takes.
  let newest = dates[0];
  for (const d of dates) if (d > newest) newest = d;
  const recent = dates.filter((d) => d >= newest - MARKET_RECENT_DAYS).sort((a, b) => b - a);
  return recent[Math.ceil(recent.length / 2) - 1];
}
