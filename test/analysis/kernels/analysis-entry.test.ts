import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as analysis from '../../../src/analysis/index.js';

describe('marketdeck/analysis entry', () => {
  it('exports every indicator kernel as a function', () => {
    const kernels = [
      'adx',
      'atr',
      'bbands',
      'ema',
      'macd',
      'mfi',
      'obv',
      'roc',
      'rollingMax',
      'rollingMin',
      'rsi',
      'sma',
      'stddev',
      'stoch',
    ];
    const exported = analysis as unknown as Record<string, unknown>;
    for (const name of kernels) assert.equal(typeof exported[name], 'function', name);
  });
});
