/** Conversions between the Store's values and SQL columns (epoch ms for instants, text for JSON), for every adapter. */

export function toMs(d: Date | null | undefined): number | null {
  if (d === null || d === undefined) return null;
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('an invalid Date cannot be stored; expected a real instant');
  return ms;
}

export function fromMs(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

export function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable (got ${typeof value})`);
  return text;
}

export function fromJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}
