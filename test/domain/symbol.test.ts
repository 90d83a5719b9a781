import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSymbolError, normalizeSymbol, parseSymbolList, toYahooSymbol } from '../../src/domain/symbol.js';

describe('symbols', () => {
  it('stores US class shares with a dot and sends them to Yahoo with a dash', () => {
    assert.equal(normalizeSymbol('brk-b'), 'BRK.B');
    assert.equal(normalizeSymbol('BRK.B'), 'BRK.B');
    assert.equal(toYahooSymbol('BRK.B'), 'BRK-B');
    assert.equal(toYahooSymbol('BF.B'), 'BF-B');
  });

  it('keeps exchange suffixes, indices, FX and futures as they are', () => {
    assert.equal(toYahooSymbol('OCDO.L'), 'OCDO.L');
    assert.equal(toYahooSymbol('WSU.DE'), 'WSU.DE');
    assert.equal(toYahooSymbol('^GSPC'), '^GSPC');
    assert.equal(toYahooSymbol('EURUSD=X'), 'EURUSD=X');
    assert.equal(toYahooSymbol('ES=F'), 'ES=F');
  });

  it('rejects a symbol with characters no exchange uses, naming it', () => {
    assert.throws(
      () => normalizeSymbol('AA PL'),
      (e: unknown) => e instanceof InvalidSymbolError && /"AA PL"/.test(e.message),
    );
    assert.throws(() => normalizeSymbol(''), InvalidSymbolError);
    assert.throws(() => normalizeSymbol('<script>'), InvalidSymbolError);
  });

  it('parses a list, dropping duplicates', () => {
    assert.deepEqual(parseSymbolList('aapl, MSFT msft,brk-b'), ['AAPL', 'MSFT', 'BRK.B']);
  });
});
