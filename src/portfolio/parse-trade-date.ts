import { dayFromIso, type EpochDay } from '../domain/epoch-day.js';

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DAY_FIRST = /^(\d{2})[.-](\d{2})[.-](\d{4})$/;
const US_SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** The date forms a portfolio file may use, for error messages. */
export const TRADE_DATE_FORMS = 'a date as YYYY-MM-DD, an ISO date-time, DD-MM-YYYY, DD.MM.YYYY or MM/DD/YYYY';

/**
 * A trade's exchange date, or null when the text is none of TRADE_DATE_FORMS. An ISO date-time is the
 * day nearest to it in UTC: Ghostfolio exports local midnight as an instant (2021-12-31T23:00:00.000Z is
 * 1 January in Central Europe), and a trade is never booked at noon UTC on the day before.
 */
export function parseTradeDate(raw: string): EpochDay | null {
  const text = raw.trim();
  try {
    if (ISO_DAY.test(text)) return dayFromIso(text);
    if (ISO_INSTANT.test(text)) {
      const ms = Date.parse(text);
      return Number.isNaN(ms) ? null : (Math.floor((ms + MS_PER_DAY / 2) / MS_PER_DAY) as EpochDay);
    }
    let m = DAY_FIRST.exec(text);
    if (m) return dayFromIso(`${m[3]}-${m[2]}-${m[1]}`);
    m = US_SLASH.exec(text);
    if (m) return dayFromIso(`${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`);
  } catch {
    // Not a calendar date (2024-02-30): the caller reports the value.
  }
  return null;
}
