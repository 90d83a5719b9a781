/** Number formatting shared by every page: one style for prices, percents and large counts. */

/** What a missing figure shows: a dash, so an unknown value never reads as an empty or forgotten cell. */
export const DASH = '—';

/** One formatter per number of decimals: toLocaleString builds a new one per call, too slow for a table. */
const formatters = new Map<number, Intl.NumberFormat>();

export function fmtNumber(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  let f = formatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(digits, f);
  }
  return f.format(v);
}

export function fmtInt(v: number | null | undefined): string {
  return fmtNumber(v, 0);
}

/** A percent already in percent units (2.5 means 2.5 %); `signed` for changes (+1.2%), not for sizes. */
export function fmtPercent(v: number | null | undefined, digits = 2, signed = true): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return `${signed && v > 0 ? '+' : ''}${fmtNumber(v, digits)}%`;
}

/** Market caps and volumes: 1.2T, 345.6B, 12.3M, 4.5K. */
export function fmtCompact(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) if (a >= size) return `${(v / size).toFixed(a / size >= 100 ? 0 : 1)}${unit}`;
  return fmtNumber(v, 0);
}

/** The CSS class of a change: gains green, losses red, nothing for zero or unknown. */
export function signClass(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v) || v === 0) return '';
  return v > 0 ? 'up' : 'down';
}

/** A timestamp as the local time of day and date, e.g. "2026-12-06 09:45". */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "in 12 min", "3 min ago": how far a moment is from now. */
export function fmtRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return DASH;
  const ms = new Date(iso).getTime() - now;
  if (!Number.isFinite(ms)) return DASH;
  const min = Math.round(Math.abs(ms) / 60_000);
  const text = min < 1 ? 'less than a minute' : min < 120 ? `${min} min` : `${Math.round(min / 60)} h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(v >= 100 * 1024 ** 3 ? 0 : 1)} GiB`;
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MiB`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${v} B`;
}
