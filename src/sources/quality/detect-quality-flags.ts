import type { BarSeries } from '../../domain/bar-series.js';
import { type EpochDay, isoFromDay } from '../../domain/epoch-day.js';
import type { QualityFlag, QualityFlagKind } from '../../domain/quality-flag.js';
import type { Split } from '../../domain/ticker.js';
import { isUsTradingDay } from './us-market-holidays.js';

export interface QualityFlagOptions {
  /** Splits known for the ticker: a big move on a split date is the split, not a bad print. */
  splits?: readonly Split[];
  /** Close-to-close move (as a fraction) above which a day is flagged; default 0.4. */
  jumpThreshold?: number;
  /** Flags kept per kind before the rest are summed up in one closing flag; default 20. */
  maxPerKind?: number;
  /** Whether gaps are measured against the NYSE calendar; default: only for US-listed symbols. */
  checkMissingDays?: boolean;
}

/**
 * Data-quality flags of one ticker's stored bars. Flags describe, they never alter: a 50% drop may be an
 * unadjusted split (DISCA 2014-08-07), a spin-off (EBAY 2015-07-20), a bad print (LNT 2016-05-19) or a
 * real crash (AIG 2008), and only a person or a second source can tell which.
 */
export function detectQualityFlags(s: BarSeries, opts: QualityFlagOptions = {}): QualityFlag[] {
  const threshold = opts.jumpThreshold ?? 0.4;
  const splitDays = new Set((opts.splits ?? []).map((x) => x.date as number));
  const checkGaps = opts.checkMissingDays ?? isUsListing(s.symbol);
  const flags = new FlagList(opts.maxPerKind ?? 20);
  const n = s.dates.length;
  let zeroRunStart = -1;
  for (let i = 0; i < n; i++) {
    const d = s.dates[i];
    const o = s.open[i];
    const h = s.high[i];
    const l = s.low[i];
    const c = s.close[i];
    const top = Math.max(o, c);
    const bottom = Math.min(o, c);
    // A relative tolerance absorbs float noise of sources that print 83.41999799999999 for 83.42.
    if (h < top * (1 - 1e-9) || l > bottom * (1 + 1e-9)) {
      flags.add('inconsistent-high-low', d, `high ${h} / low ${l} do not cover open ${o} and close ${c}`);
    }
    if (s.volume[i] === 0) {
      if (zeroRunStart === -1) zeroRunStart = i;
    }
    if (zeroRunStart !== -1 && (s.volume[i] !== 0 || i === n - 1)) {
      const end = s.volume[i] === 0 ? i : i - 1;
      flags.add('zero-volume', s.dates[zeroRunStart], zeroVolumeDetail(s, zeroRunStart, end));
      zeroRunStart = -1;
    }
    if (i === 0) continue;
    // Cheap band test first; the detail (and its field-by-field search) only for the rare bar outside it.
    const prev = s.close[i - 1];
    const up = prev * (1 + threshold);
    const down = prev * (1 - threshold);
    if (h > up || l < down || o > up || o < down || c > up || c < down) {
      const jump = jumpDetail(s, i, threshold);
      if (jump !== null && !splitDays.has(d)) flags.add('suspicious-jump', d, jump);
    }
    if (checkGaps && d - s.dates[i - 1] > 1) {
      let missing: number[] | null = null;
      for (let g = s.dates[i - 1] + 1; g < d; g++) if (isUsTradingDay(g)) (missing ??= []).push(g);
      if (missing !== null) {
        const span =
          missing.length === 1
            ? isoFromDay(missing[0])
            : `${isoFromDay(missing[0])}..${isoFromDay(missing[missing.length - 1])}`;
        flags.add(
          'missing-days',
          missing[0],
          `${missing.length} trading day${missing.length > 1 ? 's' : ''} missing: ${span}`,
        );
      }
    }
  }
  return flags.done();
}

const JUMP_FIELDS = ['close', 'open', 'high', 'low'] as const;

/**
 * Describes bar i when a price moved more than `threshold` from the previous close: the close first
 * (a split, spin-off or crash), else the furthest of open/high/low (a bad print such as WELL's open of
 * 0.145 on 2016-12-27 between closes near 65). Null when nothing moved that far.
 */
function jumpDetail(s: BarSeries, i: number, threshold: number): string | null {
  const prev = s.close[i - 1];
  const pct = (v: number) => `${((v / prev - 1) * 100).toFixed(1)}%`;
  let worst: (typeof JUMP_FIELDS)[number] | null = null;
  let worstMove = threshold;
  for (const field of JUMP_FIELDS) {
    const move = Math.abs(s[field][i] / prev - 1);
    if (move > worstMove) {
      worst = field;
      worstMove = move;
    }
    if (field === 'close' && worst !== null) break;
  }
  if (worst === null) return null;
  const from = isoFromDay(s.dates[i - 1]);
  if (worst === 'close')
    return `close ${prev} -> ${s.close[i]} (${pct(s.close[i])}) from ${from} with no split recorded`;
  return `${worst} ${s[worst][i]} is ${pct(s[worst][i])} from the previous close ${prev} (${from}), close ${s.close[i]}; no split recorded`;
}

function zeroVolumeDetail(s: BarSeries, from: number, to: number): string {
  if (from === to) return `volume 0 (close ${s.close[from]})`;
  return `volume 0 on ${to - from + 1} bars in a row, ${isoFromDay(s.dates[from])}..${isoFromDay(s.dates[to])}`;
}

/** US listings follow the NYSE calendar; foreign suffixes (.L, .DE, .T), indices and FX do not. */
export function isUsListing(symbol: string): boolean {
  if (/[\^=]/.test(symbol)) return false;
  const dot = symbol.lastIndexOf('.');
  if (dot === -1) return true;
  const suffix = symbol.slice(dot + 1);
  return suffix.length === 1 && !'LTVF'.includes(suffix);
}

/** Keeps the first `max` flags of each kind and sums up the rest, so one odd ticker cannot flood the store. */
class FlagList {
  private readonly kept: QualityFlag[] = [];
  private readonly counts = new Map<QualityFlagKind, number>();
  private readonly overflow = new Map<QualityFlagKind, { first: number; last: number }>();

  constructor(private readonly max: number) {}

  add(kind: QualityFlagKind, date: number, detail: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count <= this.max) {
      this.kept.push({ kind, date: date as EpochDay, detail });
      return;
    }
    const o = this.overflow.get(kind);
    if (o) o.last = date;
    else this.overflow.set(kind, { first: date, last: date });
  }

  done(): QualityFlag[] {
    const out = [...this.kept];
    for (const [kind, o] of this.overflow) {
      const more = (this.counts.get(kind) ?? 0) - this.max;
      out.push({
        kind,
        date: o.first as EpochDay,
        detail: `${more} more ${kind} flags from ${isoFromDay(o.first)} to ${isoFromDay(o.last)}`,
      });
    }
    return out.sort((a, b) => (a.date ?? 0) - (b.date ?? 0));
  }
}
