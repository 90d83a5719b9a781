/**
 * Fast date parsing for price rows. The hot loop of an import reads 600k+ dates, so these parse by character
 * code, in place within a line, and return NaN for anything that is not a real calendar date instead of throwing.
 */

/** `YYYY-MM-DD` (Kaggle, Yahoo, Stooq per-symbol) at text[start, end) -> EpochDay, or NaN. */
export function parseIsoDay(text: string, start = 0, end = text.length): number {
  if (end - start !== 10 || text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return Number.NaN;
  return civilDay(digits(text, start, 4), digits(text, start + 5, 2), digits(text, start + 8, 2));
}

/** `YYYYMMDD` (Stooq bulk) at text[start, end) -> EpochDay, or NaN. */
export function parseCompactDay(text: string, start = 0, end = text.length): number {
  if (end - start !== 8) return Number.NaN;
  return civilDay(digits(text, start, 4), digits(text, start + 4, 2), digits(text, start + 6, 2));
}

function digits(text: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), NaN when invalid. */
function civilDay(year: number, month: number, day: number): number {
  if (year < 1800 || month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > maxDay) return Number.NaN;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
