import type { SignalKind } from '../domain/signal.js';

/**
 * Every signal kind the analysis emits, in a fixed order: a kind travels between worker threads as its
 * index in this list (one byte per signal instead of a string), so new kinds are appended, never inserted.
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

/** Index of each kind in SIGNAL_KINDS, for the detector's hot loop. */
export const SIGNAL_CODE = Object.fromEntries(SIGNAL_KINDS.map((k, i) => [k, i])) as Readonly<
  Record<SignalKind, number>
>;
