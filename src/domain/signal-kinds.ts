import type { SignalKind } from './signal.js';

/**
 * Every signal kind, in a fixed order: a kind's index here is its code, the one byte a signal carries
 * between worker threads and in the stored signal columns. The codes are part of the file format, so a
 * new kind is appended and no code is ever reused or reordered.
 */
export const SIGNAL_KINDS: readonly SignalKind[] = [
  'golden-cross',
  'death-cross',
  'close-above-sma50',
  'close-below-sma50',
  'close-above-sma200',
  'close-below-sma200',
  'rsi-above-70',
  'rsi-below-30',
  'macd-bullish-cross',
  'macd-bearish-cross',
  'new-52w-high',
  'new-52w-low',
  'bb-squeeze',
  'bb-breakout-up',
  'bb-breakout-down',
  'volume-spike',
];

/** Code (index in SIGNAL_KINDS) of each kind, for the detector's hot loop and the store's encoder. */
export const SIGNAL_CODE = Object.fromEntries(SIGNAL_KINDS.map((k, i) => [k, i])) as Readonly<
  Record<SignalKind, number>
>;
