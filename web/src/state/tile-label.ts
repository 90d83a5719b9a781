/**
 * Width in px of `text` at `size` px, in the symbol's bold type or the change's regular one (the canvas's
 * measureText, or a stand-in in tests).
 */
export type MeasureText = (text: string, size: number, line: 'symbol' | 'change') => number;

export interface TileLabel {
  symbol: string;
  /** Font size of the symbol; the change below it is 3 px smaller. */
  size: number;
  /** The change, when the tile has room for a second line as wide as it. */
  change: string | null;
}

/** The largest and smallest symbol sizes: below 7 px a symbol is no longer read on a phone. */
const MAX_SIZE = 18;
export const MIN_TILE_FONT = 7;
/** The smallest symbol that gets the change below it, 3 px smaller: a smaller tile shows its symbol alone. */
const MIN_TWO_LINE = 10;
/** Room kept between a label and its tile's edges. */
const PAD = 4;

/**
 * What a heatmap tile of w x h px can show: its symbol with the change below, at the largest size at which
 * both fit; else the symbol alone at the largest size that fits whole, down to a small type before anything
 * is cut; cut with an ellipsis only when even that is too wide. Nothing drawn ever reaches past the tile;
 * null when not even two letters fit (the tile's tooltip, on hover or a first tap, still names it).
 */
export function tileLabel(
  measure: MeasureText,
  symbol: string,
  change: string,
  w: number,
  h: number,
): TileLabel | null {
  const room = w - PAD;
  const top = Math.min(MAX_SIZE, Math.floor(Math.min(w / 2.5, (h - 2) / 1.25)));
  if (top < MIN_TILE_FONT) return null;
  for (let size = top; size >= MIN_TWO_LINE; size--) {
    const fits = size + 2 + (size - 3) <= h - PAD && measure(symbol, size, 'symbol') <= room;
    if (fits && measure(change, size - 3, 'change') <= room) return { symbol, size, change };
  }
  for (let size = top; size >= MIN_TILE_FONT; size--) {
    if (measure(symbol, size, 'symbol') <= room) return { symbol, size, change: null };
  }
  const cut = ellipsis((text) => measure(text, MIN_TILE_FONT, 'symbol'), symbol, room, 2);
  return cut ? { symbol: cut, size: MIN_TILE_FONT, change: null } : null;
}

/**
 * `text` whole when it is at most `max` px wide, else cut with an ellipsis to fit, keeping at least `keep`
 * characters; null when even those do not fit.
 */
export function ellipsis(width: (text: string) => number, text: string, max: number, keep = 1): string | null {
  if (width(text) <= max) return text;
  let cut = text;
  while (cut.length > keep && width(`${cut}…`) > max) cut = cut.slice(0, -1);
  return width(`${cut}…`) <= max ? `${cut}…` : null;
}
