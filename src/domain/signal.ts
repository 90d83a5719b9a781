import type { EpochDay } from './epoch-day.js';

export type SignalKind =
  | 'golden-cross'
  | 'death-cross'
  | 'close-above-sma50'
  | 'close-below-sma50'
  | 'close-above-sma200'
  | 'close-below-sma200'
  | 'rsi-above-70'
  | 'rsi-below-30'
  | 'macd-bullish-cross'
  | 'macd-bearish-cross'
  | 'new-52w-high'
  | 'new-52w-low'
  | 'bb-squeeze'
  | 'bb-breakout-up'
  | 'bb-breakout-down'
  | 'volume-spike';

/** A dated event in one ticker's history (a cross, a new high, a spike). */
export interface Signal {
  symbol: string;
  date: EpochDay;
  kind: SignalKind;
  /** The value that triggered it (the close, the RSI, the volume ratio ...). */
  value: number;
}
