import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIGNAL_CODE, SIGNAL_KINDS } from '../../src/domain/signal-kinds.js';

describe('signal kind codes', () => {
  it('keeps the stored code of every kind: a changed code would misread every signal already on disk', () => {
    assert.deepEqual(SIGNAL_KINDS, [
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
    ]);
  });

  it('maps each kind to its index and back', () => {
    assert.equal(Object.keys(SIGNAL_CODE).length, SIGNAL_KINDS.length);
    for (const [i, kind] of SIGNAL_KINDS.entries()) assert.equal(SIGNAL_CODE[kind], i);
  });

  it('fits every code in the one byte a stored signal carries', () => {
    assert.ok(SIGNAL_KINDS.length <= 256);
  });
});
