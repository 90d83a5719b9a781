import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTickerView, tickerViewQuery } from '../../web/src/state/ticker-view.js';

describe('ticker page view in the URL', () => {
  it('gives the defaults for an empty query and writes them as an empty query', () => {
    const v = parseTickerView(new URLSearchParams(''));
    assert.equal(v.range, '1Y');
    assert.deepEqual([...v.overlays], ['sma50', 'sma200']);
    assert.equal(v.signals, true);
    assert.equal(tickerViewQuery(v), '');
  });

  it('reads back what it writes, dropping unknown ranges and overlays', () => {
    const q = tickerViewQuery({ range: '3M', overlays: new Set(['bb', 'ema20']), signals: false });
    assert.equal(q, '?range=3M&overlays=ema20%2Cbb&signals=0');
    const v = parseTickerView(new URLSearchParams(q));
    assert.equal(v.range, '3M');
    assert.deepEqual([...v.overlays].sort(), ['bb', 'ema20']);
    assert.equal(v.signals, false);
    const bogus = parseTickerView(new URLSearchParams('range=9Q&overlays=xyz,sma50'));
    assert.equal(bogus.range, '1Y');
    assert.deepEqual([...bogus.overlays], ['sma50']);
    assert.equal(tickerViewQuery({ ...bogus, overlays: new Set() }), '?overlays=');
  });
});
