import { dayFromIso, type EpochDay } from '../../domain/epoch-day.js';
import { UsageError } from '../exit-codes.js';

/** A YYYY-MM-DD flag value as a day number; a bad one is a usage error naming the flag and the value. */
export function parseDayOption(flag: string, value: string | undefined): EpochDay | undefined {
  if (value === undefined) return undefined;
  try {
    return dayFromIso(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a date; expected YYYY-MM-DD`);
  }
}

/**
 * A whole-number flag value within [min, max], written in plain digits: "", "1e3" and "0x10" read as numbers
 * to Number() but are not what a person means by a count. No flag takes a negative value.
 */
export function parseIntOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} "${value}" is not allowed; expected an integer ${min}-${max}`);
  }
  return n;
}
