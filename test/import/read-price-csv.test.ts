import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoFromDay } from '../../src/domain/epoch-day.js';
import { UnknownCsvHeaderError } from '../../src/sources/csv/detect-csv-format.js';
import { FileReadError } from '../../src/sources/csv/read-line-batches.js';
import { readPriceCsv } from '../../src/sources/csv/read-price-csv.js';
import { csvFixture, day, readAll } from './csv-fixtures.js';

describe('readPriceCsv', () => {
  it('reads a Kaggle excerpt into one block per ticker, in file order', async () => {
    const { blocks, rejects } = await readAll(csvFixture('kaggle', 'spin-offs-2015-07.csv'));
    assert.deepEqual(
      blocks.map((b) => b.symbol),
      ['BAX', 'NI', 'EBAY'],
    );
    assert.equal(rejects.length, 0);
    const ebay = blocks[2].series;
    assert.equal(isoFromDay(ebay.dates[0]), '2015-07-15');
    const i = ebay.dates.indexOf(day('2015-07-20'));
    assert.deepEqual(
      [ebay.open[i], ebay.high[i], ebay.low[i], ebay.close[i], ebay.volume[i]],
      [26.89, 29.35, 26.5899, 28.57, 37485739],
    );
    assert.ok(Number.isNaN(ebay.adjClose[i]), 'Kaggle files carry no adjusted close');
  });

  it('reads a Yahoo download with its adjusted close, gzip or not, the ticker from the file name', async () => {
    const { blocks } = await readAll(csvFixture('yahoo', 'BRK.B.csv.gz'));
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].symbol, 'BRK.B');
    const s = blocks[0].series;
    assert.equal(s.dates.length, 21);
    assert.equal(isoFromDay(s.dates[0]), '2016-12-01');
    assert.equal(s.close[0], 160.119995);
    assert.equal(s.adjClose[0], 160.119995);
    const aig = (await readAll(csvFixture('yahoo', 'AIG.csv'))).blocks[0].series;
    assert.ok(aig.adjClose[0] < aig.close[0], 'AIG paid dividends after 2008: adjusted close is below close');
  });

  it('reads a Stooq per-symbol file, the ticker from a name like aapl.us.txt', async () => {
    const { blocks } = await readAll(csvFixture('synthetic', 'aapl.us.txt'));
    assert.equal(blocks[0].symbol, 'AAPL');
    assert.deepEqual(Array.from(blocks[0].series.dates, isoFromDay), ['2013-02-08', '2013-02-11', '2013-02-12']);
    assert.ok(Number.isNaN(blocks[0].series.adjClose[0]));
  });

  it('reads a Stooq bulk file: daily rows only, compact dates, AAPL.US -> AAPL and BRK-B.US -> BRK.B', async () => {
    const { blocks, rejects, skipped } = await readAll(csvFixture('synthetic', 'stooq-bulk.txt'));
    assert.deepEqual(
      blocks.map((b) => [b.symbol, b.series.dates.length]),
      [
        ['AAPL', 3],
        ['BRK.B', 2],
        ['MSFT', 1],
      ],
    );
    assert.equal(skipped, 1, 'the 5-minute row is left out');
    assert.deepEqual(
      rejects.map((r) => [r.line, r.code]),
      [[9, 'bad-date']],
    );
    assert.equal(blocks[1].series.close[1], 97.13);
  });

  it('sorts a shuffled file, and reads through a byte-order mark and CRLF line ends', async () => {
    const { blocks, rejects } = await readAll(csvFixture('synthetic', 'bom-crlf-unsorted.csv'));
    assert.equal(rejects.length, 0);
    assert.deepEqual(Array.from(blocks[0].series.dates, isoFromDay), ['2013-02-08', '2013-02-12', '2013-02-13']);
    assert.equal(blocks[0].series.close[0], 67.8542);
  });

  it('marks a ticker that comes back later in the file and refuses the dates it already had', async () => {
    const { blocks, rejects } = await readAll(csvFixture('synthetic', 'unordered-tickers.csv'));
    assert.deepEqual(
      blocks.map((b) => [b.symbol, b.reappeared, b.series.dates.length]),
      [
        ['A', false, 2],
        ['AAPL', false, 2],
        ['A', true, 1],
        ['AAPL', true, 1],
        ['A', true, 2],
      ],
    );
    assert.deepEqual(
      rejects.map((r) => [r.line, r.code, r.symbol]),
      [[7, 'duplicate-date', 'A']],
    );
  });

  it('throws naming the file for an unknown header, an empty file and a missing file', async () => {
    await assert.rejects(readAll(csvFixture('synthetic', 'unknown-header.csv')), UnknownCsvHeaderError);
    await assert.rejects(
      readAll(csvFixture('synthetic', 'empty.csv')),
      (e: unknown) => e instanceof FileReadError && /empty/.test(e.message),
    );
    await assert.rejects(
      readAll(csvFixture('synthetic', 'no-such-file.csv')),
      (e: unknown) => e instanceof FileReadError && /no such file/.test(e.message),
    );
  });

  it('yields nothing of the ticker a truncated gzip file was cut in, and throws naming it', async () => {
    const blocks: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of readPriceCsv(csvFixture('synthetic', 'truncated', 'AAPL.csv.gz'), {
          onReject: () => {},
        })) {
          blocks.push(b.series.dates.length);
        }
      })(),
      (e: unknown) =>
        e instanceof FileReadError &&
        /gzip data ends early after line \d+ .*; the file was cut inside AAPL, whose \d+ rows read are not stored/.test(
          e.message,
        ),
    );
    assert.deepEqual(blocks, []);
  });
});
