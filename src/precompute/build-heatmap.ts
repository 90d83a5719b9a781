import { marketDate } from '../domain/market-date.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import { isoDay } from './iso-day.js';
import { roundForDisplay } from './round-for-display.js';

/** Percent changes over the heatmap's periods. */
export interface HeatmapChange {
  d1: number | null;
  w1: number | null;
  m1: number | null;
  ytd: number | null;
}

export interface HeatmapTicker {
  symbol: string;
  name: string | null;
  marketCap: number | null;
  close: number | null;
  change: HeatmapChange;
}

export interface HeatmapGroup {
  name: string;
  /** Sum of the known market caps (0 when none is known: then tiles are drawn equal-sized). */
  marketCap: number;
  tickers: number;
  /** Market-cap-weighted mean of the members' changes (equal-weighted when no cap is known). */
  change: HeatmapChange;
}

export interface HeatmapPayload {
  asOf: string | null;
  sectors: (HeatmapGroup & { industries: (HeatmapGroup & { members: HeatmapTicker[] })[] })[];
}

const UNKNOWN = 'Unknown';
const PERIODS = [
  ['d1', 'ret1d'],
  ['w1', 'ret1w'],
  ['m1', 'ret1m'],
  ['ytd', 'retYtd'],
] as const satisfies readonly (readonly [keyof HeatmapChange, keyof ScreenerRow])[];

/** Sector -> industry -> ticker, biggest first, with the change of every level over 1d/1w/1m/YTD. */
export function buildHeatmap(rows: readonly ScreenerRow[]): HeatmapPayload {
  const sectors = new Map<string, Map<string, ScreenerRow[]>>();
  for (const r of rows) {
    const sector = r.sector || UNKNOWN;
    const industry = r.industry || UNKNOWN;
    let industries = sectors.get(sector);
    if (!industries) sectors.set(sector, (industries = new Map()));
    let members = industries.get(industry);
    if (!members) industries.set(industry, (members = []));
    members.push(r);
  }
  const out: HeatmapPayload['sectors'] = [];
  for (const [sectorName, industries] of sectors) {
    const sectorRows: ScreenerRow[] = [];
    const industryGroups = [];
    for (const [industryName, members] of industries) {
      sectorRows.push(...members);
      members.sort((a, b) => (b.marketCap ?? 0) - (a.marketCap ?? 0) || a.symbol.localeCompare(b.symbol));
      industryGroups.push({ ...group(industryName, members), members: members.map(tile) });
    }
    industryGroups.sort(bySize);
    out.push({ ...group(sectorName, sectorRows), industries: industryGroups });
  }
  out.sort(bySize);
  const latest = marketDate(rows.map((r) => r.date));
  return { asOf: latest === null ? null : isoDay(latest), sectors: out };
}

function bySize(a: HeatmapGroup, b: HeatmapGroup): number {
  return b.marketCap - a.marketCap || b.tickers - a.tickers || a.name.localeCompare(b.name);
}

function group(name: string, rows: readonly ScreenerRow[]): HeatmapGroup {
  let marketCap = 0;
  for (const r of rows) if (r.marketCap !== null && Number.isFinite(r.marketCap)) marketCap += r.marketCap;
  const change = {} as HeatmapChange;
  for (const [period, field] of PERIODS) {
    let sum = 0;
    let weights = 0;
    for (const r of rows) {
      const v = r[field] as number | null;
      if (v === null || !Number.isFinite(v)) continue;
      const w = marketCap > 0 ? (r.marketCap ?? 0) : 1;
      sum += v * w;
      weights += w;
    }
    change[period] = weights > 0 ? roundForDisplay(sum / weights) : null;
  }
  return { name, marketCap, tickers: rows.length, change };
}

function tile(r: ScreenerRow): HeatmapTicker {
  return {
    symbol: r.symbol,
    name: r.name,
    marketCap: r.marketCap,
    close: roundForDisplay(r.close),
    change: {
      d1: roundForDisplay(r.ret1d),
      w1: roundForDisplay(r.ret1w),
      m1: roundForDisplay(r.ret1m),
      ytd: roundForDisplay(r.retYtd),
    },
  };
}
