/**
 * A number as the dashboard shows it: 4 decimals (prices, percents and ratios never need more on a page, and
 * it halves the JSON of 10,000 rows), null for missing or undefined values (JSON has no NaN).
 */
export function roundForDisplay(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.round(value * 1e4) / 1e4;
}
