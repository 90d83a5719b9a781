import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScreenerPayload } from '../../web/src/state/api-types.js';
import {
  activeFilterCount,
  applyScreenerState,
  defaultScreenerState,
  parseScreenerState,
  payloadDefaultState,
  serializeScreenerState,
} from '../../web/src/state/screener-state.js';

const payload: ScreenerPayload = {
  asOf: '2018-02-07',
  columns: ['symbol', 'name', 'sector', 'close', 'sma50', 'sma200', 'rsi14', 'marketCap', 'macdStage'],
  rows: [
    ['AAA', 'Alpha', 'Energy', 10, 9, 12, 55, 3e9, 'bullish-rising'],
    ['BBB', 'Beta', 'Energy', 20, 21, 15, 25, null, 'bearish-falling'],
    ['CCC', 'Gamma Corp', 'Utilities', 30, 29, 28, 75, 1e9, 'bullish-fading'],
    ['DDD', 'Delta', 'Utilities', null, 5, 5, null, 2e9, 'bearish-rising'],
  ],
};
const symbols = (idx: number[]) => idx.map((i) => payload.rows[i][0]);

describe('screener state', () => {
  it('round-trips every filter through the query string', () => {
    const s = {
      ...defaultScreenerState(),
      q: 'gam',
      sector: 'Utilities',
      min: { rsi14: 30 },
      max: { close: 100 },
      sma50: 'above' as const,
      signal: 'bullish-fading',
      sort: 'rsi14',
      dir: 'asc' as const,
      cols: ['symbol', 'rsi14'],
    };
    assert.deepEqual(parseScreenerState(new URLSearchParams(serializeScreenerState(s))), s);
  });

  it('writes nothing for the default view and drops unknown columns and non-numeric bounds', () => {
    assert.equal(serializeScreenerState(defaultScreenerState()), '');
    const s = parseScreenerState(
      new URLSearchParams('sort=nope&min.bogus=1&max.rsi14=abc&cols=nope,symbol&sma50=sideways'),
    );
    assert.equal(s.sort, defaultScreenerState().sort);
    assert.deepEqual(s.min, {});
    assert.deepEqual(s.max, {});
    assert.deepEqual(s.cols, ['symbol']);
    assert.equal(s.sma50, '');
  });

  it('filters by sector, bounds, the close against a moving average, a signal and a name search', () => {
    const base = defaultScreenerState();
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sector: 'Energy' })), ['AAA', 'BBB']);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, min: { rsi14: 50 } })), ['AAA', 'CCC']);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sma50: 'above', sort: 'symbol', dir: 'asc' })), [
      'AAA',
      'CCC',
    ]);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sma200: 'below' })), ['AAA']);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, signal: 'bearish-falling' })), ['BBB']);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, q: 'gamma' })), ['CCC']);
  });

  it('sorts either way with unknown values last', () => {
    const base = defaultScreenerState();
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sort: 'marketCap', dir: 'desc' })), [
      'AAA',
      'DDD',
      'CCC',
      'BBB',
    ]);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sort: 'marketCap', dir: 'asc' })), [
      'CCC',
      'DDD',
      'AAA',
      'BBB',
    ]);
    assert.deepEqual(symbols(applyScreenerState(payload, { ...base, sort: 'name', dir: 'asc' })), [
      'AAA',
      'BBB',
      'DDD',
      'CCC',
    ]);
  });

  it('defaults to symbol order when no row has a market cap, keeping an empty query for the default', () => {
    const offline = { ...payload, rows: payload.rows.map((r) => r.map((c, i) => (i === 7 ? null : c))) };
    const base = payloadDefaultState(offline);
    assert.deepEqual([base.sort, base.dir], ['symbol', 'asc']);
    assert.equal(serializeScreenerState(parseScreenerState(new URLSearchParams(''), base), base), '');
    assert.deepEqual(symbols(applyScreenerState(offline, base)), ['AAA', 'BBB', 'CCC', 'DDD']);
    const byCap = parseScreenerState(new URLSearchParams('sort=marketCap&dir=desc'), base);
    assert.deepEqual([byCap.sort, byCap.dir], ['marketCap', 'desc']);
    assert.equal(serializeScreenerState(byCap, base), 'sort=marketCap&dir=desc');
    assert.deepEqual(
      [payloadDefaultState(payload).sort, payloadDefaultState(payload).dir],
      ['marketCap', 'desc'],
      'with market caps the default stays the largest first',
    );
  });
  it('counts the filters that narrow the table, the search box aside', () => {
    assert.equal(activeFilterCount(defaultScreenerState()), 0);
    const s = { ...defaultScreenerState(), q: 'app', sector: 'Energy', min: { rsi14: 30 }, max: { rsi14: 70 } };
    assert.equal(activeFilterCount(s), 3);
  });
});
