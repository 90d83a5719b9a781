import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectCsvFormat, symbolFromFileName, UnknownCsvHeaderError } from '../../src/sources/csv/detect-csv-format.js';

describe('detectCsvFormat', () => {
  it('recognises the Kaggle multi-ticker header, the ticker coming from the Name column', () => {
    const f = detectCsvFormat('date,open,high,low,close,volume,Name', '/x/all_stocks_5yr.csv.gz');
    assert.equal(f.kind, 'kaggle');
    assert.equal(f.columns.symbol, 6);
    assert.equal(f.fileSymbol, null);
    assert.equal(f.dateStyle, 'iso');
  });

  it('recognises a Yahoo download, the ticker coming from the file name', () => {
    const f = detectCsvFormat('Date,Open,High,Low,Close,Adj Close,Volume', '/x/BRK.B.csv.gz');
    assert.equal(f.kind, 'yahoo');
    assert.equal(f.columns.adjClose, 5);
    assert.equal(f.fileSymbol, 'BRK.B');
  });

  it('recognises Stooq per-symbol and bulk files', () => {
    const one = detectCsvFormat('Date,Open,High,Low,Close,Volume', '/x/aapl.us.txt');
    assert.equal(one.kind, 'stooq');
    assert.equal(one.fileSymbol, 'AAPL');
    const bulk = detectCsvFormat(
      '<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>',
      '/x/d.txt',
    );
    assert.equal(bulk.kind, 'stooq-bulk');
    assert.equal(bulk.dateStyle, 'compact');
    assert.deepEqual([bulk.columns.symbol, bulk.columns.period, bulk.columns.date, bulk.columns.volume], [0, 1, 2, 8]);
  });

  it('finds columns by name, whatever their order, case or byte-order mark', () => {
    const f = detectCsvFormat('\uFEFFName, Close ,Date,Volume,Low,High,Open', '/x/f.csv');
    assert.equal(f.kind, 'kaggle');
    assert.deepEqual([f.columns.symbol, f.columns.close, f.columns.date, f.columns.open], [0, 1, 2, 6]);
    assert.equal(f.minFields, 7);
  });

  it('names the file and the expected headers when the header is unknown', () => {
    assert.throws(
      () => detectCsvFormat('when,ticker_price,qty', '/data/prices.csv'),
      (e: unknown) =>
        e instanceof UnknownCsvHeaderError &&
        e.message.startsWith('/data/prices.csv: header "when,ticker_price,qty"') &&
        e.message.includes('date,open,high,low,close,volume,Name') &&
        e.message.includes('Date,Open,High,Low,Close,Adj Close,Volume') &&
        e.message.includes('<TICKER>,<PER>,<DATE>'),
    );
  });

  it('reads tickers from file names of every kind', () => {
    assert.equal(symbolFromFileName('/a/AAPL.csv.gz'), 'AAPL');
    assert.equal(symbolFromFileName('BRK.B.csv'), 'BRK.B');
    assert.equal(symbolFromFileName('aapl.us.txt'), 'AAPL');
    assert.equal(symbolFromFileName('brk-b.us.txt'), 'BRK-B');
    assert.equal(symbolFromFileName('vod.uk.txt'), 'VOD.L');
    assert.equal(symbolFromFileName('msft.CSV'), 'MSFT');
  });
});
