import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macdStage } from '../../src/analysis/macd-stage.js';

describe('macdStage', () => {
  it('names bullish-rising when MACD is above zero and the histogram widens', () => {
    assert.equal(macdStage(1.2, 0.3, 0.1), 'bullish-rising');
  });
  it('names bullish-fading when MACD is above zero and the histogram narrows', () => {
    assert.equal(macdStage(1.2, 0.1, 0.3), 'bullish-fading');
    assert.equal(macdStage(0.5, -0.2, 0.1), 'bullish-fading');
  });
  it('names bearish-falling when MACD is below zero and the histogram falls', () => {
    assert.equal(macdStage(-0.8, -0.4, -0.1), 'bearish-falling');
  });
  it('names bearish-recovering when MACD is below zero and the histogram rises', () => {
    assert.equal(macdStage(-0.8, -0.1, -0.4), 'bearish-recovering');
    assert.equal(macdStage(-0.1, 0.2, -0.1), 'bearish-recovering');
  });
  it('says none while a value is missing, at MACD zero, or with a flat histogram', () => {
    assert.equal(macdStage(Number.NaN, 0.1, 0), 'none');
    assert.equal(macdStage(1, 0.1, Number.NaN), 'none');
    assert.equal(macdStage(0, 0.1, 0), 'none');
    assert.equal(macdStage(1, 0.1, 0.1), 'none');
  });
});
