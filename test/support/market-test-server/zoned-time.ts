/**
 * Wall-clock time in an IANA zone -> UTC instant, written independently of src/sources/exchange-day.ts so that
 * the test server checks the sources' date reading instead of sharing its mistakes.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const stamps = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Answers per zone and instant: every chart answer of a run names the same market time, and a formatter call
 * costs the server more than the rest of a small answer.
 */
const offsets = new Map<string, number>();
const abbreviations = new Map<string, string>();
const MEMO_LIMIT = 10_000;

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** The zone's offset from UTC at an instant, in seconds (east positive: Berlin summer = 7200). */
export function zoneOffsetSeconds(zone: string, epochSeconds: number): number {
  const key = `${zone}|${epochSeconds}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(epochSeconds * 1000)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
  return remember(offsets, key, asUtc - epochSeconds);
}

/** The instant at which `minutes` after local midnight of `day` happens in `zone` (memoised per zone/minutes/day). */
export function zonedEpochSeconds(day: number, minutes: number, zone: string): number {
  const key = `${zone}|${minutes}`;
  let memo = stamps.get(key);
  if (memo === undefined) {
    memo = new Map();
    stamps.set(key, memo);
  }
  const hit = memo.get(day);
  if (hit !== undefined) return hit;
  const local = day * 86_400 + minutes * 60;
  let t = local - zoneOffsetSeconds(zone, local);
  // The offset at the guess can differ from the offset at the answer near a DST change; one correction settles it.
  t = local - zoneOffsetSeconds(zone, t);
  memo.set(day, t);
  return t;
}

/** Short zone name as Yahoo's meta.timezone shows it ("EST", "EDT"; other zones as Intl names them). */
const nameFormatters = new Map<string, Intl.DateTimeFormat>();

export function zoneAbbreviation(zone: string, epochSeconds: number): string {
  const key = `${zone}|${epochSeconds}`;
  const hit = abbreviations.get(key);
  if (hit !== undefined) return hit;
  let f = nameFormatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    nameFormatters.set(zone, f);
  }
  const parts = f.formatToParts(epochSeconds * 1000);
  return remember(abbreviations, key, parts.find((p) => p.type === 'timeZoneName')?.value ?? 'UTC');
}
