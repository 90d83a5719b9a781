import { hierarchy, treemap } from 'd3-hierarchy';
import type { HeatmapPayload, HeatmapTicker } from './api-types.js';

export type ChangePeriod = 'd1' | 'w1' | 'm1' | 'ytd';

export interface Tile {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** 1 sector, 2 industry, 3 ticker. */
  depth: 1 | 2 | 3;
  name: string;
  sector: string;
  industry: string;
  ticker: HeatmapTicker | null;
}

export interface TreemapLayout {
  tiles: Tile[];
  /** How tiles were sized: by market cap, equal weight, or caps with unknown ones at the median. */
  sizing: 'market-cap' | 'equal' | 'mixed';
  unknownCaps: number;
}

interface Node {
  name: string;
  sector: string;
  industry: string;
  ticker?: HeatmapTicker;
  children?: Node[];
}

/**
 * Sector -> industry -> ticker rectangles filling width x height (d3-hierarchy's squarified treemap).
 * Tiles are sized by market cap; with no cap known they are equal, and a ticker without a cap among
 * tickers with one is drawn at the median cap, so it is neither hidden nor dominant.
 */
export function layoutTreemap(payload: HeatmapPayload, width: number, height: number): TreemapLayout {
  const caps: number[] = [];
  let unknownCaps = 0;
  for (const s of payload.sectors)
    for (const i of s.industries)
      for (const m of i.members) {
        if (typeof m.marketCap === 'number' && m.marketCap > 0) caps.push(m.marketCap);
        else unknownCaps++;
      }
  caps.sort((a, b) => a - b);
  const median = caps.length > 0 ? caps[Math.floor(caps.length / 2)] : 1;
  const sizing = caps.length === 0 ? 'equal' : unknownCaps === 0 ? 'market-cap' : 'mixed';
  const size = (t: HeatmapTicker) =>
    caps.length === 0 ? 1 : typeof t.marketCap === 'number' && t.marketCap > 0 ? t.marketCap : median;

  const root = hierarchy<Node>({
    name: 'market',
    sector: '',
    industry: '',
    children: payload.sectors.map((s) => ({
      name: s.name,
      sector: s.name,
      industry: '',
      children: s.industries.map((i) => ({
        name: i.name,
        sector: s.name,
        industry: i.name,
        children: i.members.map((m) => ({ name: m.symbol, sector: s.name, industry: i.name, ticker: m })),
      })),
    })),
  })
    .sum((d) => (d.ticker ? size(d.ticker) : 0))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));

  const showIndustry = (name: string) => name !== 'Unknown' && name !== '';
  const laid = treemap<Node>()
    .size([width, height])
    .paddingInner(1)
    .paddingOuter((d) => (d.depth === 1 ? 1 : 0))
    .paddingTop((d) => (d.depth === 1 ? 16 : d.depth === 2 && showIndustry(d.data.name) && d.y1 - d.y0 > 40 ? 12 : 0))(
    root,
  );

  const tiles: Tile[] = [];
  for (const n of laid.descendants()) {
    if (n.depth === 0) continue;
    tiles.push({
      x0: n.x0,
      y0: n.y0,
      x1: n.x1,
      y1: n.y1,
      depth: n.depth as 1 | 2 | 3,
      name: n.depth === 2 && !showIndustry(n.data.name) ? '' : n.data.name,
      sector: n.data.sector,
      industry: n.data.industry,
      ticker: n.data.ticker ?? null,
    });
  }
  return { tiles, sizing, unknownCaps };
}

/** The change (percent) at which a tile's colour saturates, per period. */
export const SATURATION: Record<ChangePeriod, number> = { d1: 3, w1: 6, m1: 10, ytd: 25 };

/** A diverging red - grey - green colour for a change, saturated at +-limit; grey when unknown. */
export function changeColor(change: number | null, limit: number): string {
  if (change === null || !Number.isFinite(change)) return 'rgb(90,96,106)';
  const t = Math.max(-1, Math.min(1, change / limit));
  const grey = [66, 72, 82];
  const end = t >= 0 ? [22, 160, 110] : [220, 60, 60];
  const a = Math.abs(t);
  const mix = grey.map((g, i) => Math.round(g + (end[i] - g) * a));
  return `rgb(${mix[0]},${mix[1]},${mix[2]})`;
}

/** The ticker tile under a point, or null (sector and industry frames are not pickable). */
export function tileAt(tiles: readonly Tile[], x: number, y: number): Tile | null {
  for (const t of tiles) if (t.depth === 3 && x >= t.x0 && x < t.x1 && y >= t.y0 && y < t.y1) return t;
  return null;
}
