import { fmtNumber } from './format.js';

/** A signal's triggering value with what it measures (the detector stores a price, an RSI, a ratio ...). */
export function signalValueText(kind: string, value: number | null): string {
  if (kind.startsWith('rsi-')) return `RSI ${fmtNumber(value, 1)}`;
  if (kind.startsWith('macd-')) return `MACD ${fmtNumber(value)}`;
  if (kind === 'golden-cross' || kind === 'death-cross') return `SMA 50 ${fmtNumber(value)}`;
  if (kind === 'volume-spike') return `${fmtNumber(value, 1)}× avg volume`;
  if (kind === 'bb-squeeze') return `bandwidth ${fmtNumber(value, 3)}`;
  if (kind === 'new-52w-high') return `high ${fmtNumber(value)}`;
  if (kind === 'new-52w-low') return `low ${fmtNumber(value)}`;
  return `close ${fmtNumber(value)}`;
}
