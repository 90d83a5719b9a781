/** The ticker page's view as written in its URL: range, overlays and whether signals are drawn. */
export type Overlay = 'ema20' | 'sma50' | 'sma200' | 'bb';

export const OVERLAYS: readonly Overlay[] = ['ema20', 'sma50', 'sma200', 'bb'];
export const RANGES: readonly { label: string; months: number | null }[] = [
  { label: '3M', months: 3 },
  { label: '6M', months: 6 },
  { label: '1Y', months: 12 },
  { label: '3Y', months: 36 },
  { label: 'All', months: null },
];

export interface TickerView {
  range: string;
  overlays: ReadonlySet<Overlay>;
  signals: boolean;
}

const DEFAULT_RANGE = '1Y';
const DEFAULT_OVERLAYS: readonly Overlay[] = ['sma50', 'sma200'];

/** Reads the view from a query string; unknown ranges and overlays fall back to the defaults. */
export function parseTickerView(params: URLSearchParams): TickerView {
  const range = params.get('range');
  const ov = params.get('overlays');
  return {
    range: RANGES.some((r) => r.label === range) ? (range as string) : DEFAULT_RANGE,
    overlays: new Set(
      ov === null ? DEFAULT_OVERLAYS : ov.split(',').filter((o): o is Overlay => OVERLAYS.includes(o as Overlay)),
    ),
    signals: params.get('signals') !== '0',
  };
}

/** The query string of a view; defaults are left out, so the plain page's URL stays plain. */
export function tickerViewQuery(v: TickerView): string {
  const p = new URLSearchParams();
  if (v.range !== DEFAULT_RANGE) p.set('range', v.range);
  const ov = OVERLAYS.filter((o) => v.overlays.has(o));
  if (ov.join(',') !== DEFAULT_OVERLAYS.join(',')) p.set('overlays', ov.join(','));
  if (!v.signals) p.set('signals', '0');
  const s = p.toString();
  return s ? `?${s}` : '';
}
