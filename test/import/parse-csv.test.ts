import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import {
  fieldEquals,
  fieldIsBlank,
  fieldNumber,
  fieldText,
  newRowView,
  scanPlainRow,
  viewFromQuotedLine,
} from '../../src/sources/csv/csv-row-view.js';
import { hasUnclosedQuote, parseCsvLine } from '../../src/sources/csv/parse-csv-line.js';
import { parseCompactDay, parseIsoDay } from '../../src/sources/csv/parse-price-date.js';
import { csvFixture } from './csv-fixtures.js';

describe('parseCsvLine', () => {
  it('splits a plain line at every comma, keeping empty fields', () => {
    assert.deepEqual(parseCsvLine('2015-07-17,,88.76,88.24,88.72,2056819,DHR'), [
      '2015-07-17',
      '',
      '88.76',
      '88.24',
      '88.72',
      '2056819',
      'DHR',
    ]);
    assert.deepEqual(parseCsvLine(',,'), ['', '', '']);
  });

  it('reads quoted fields with commas and doubled quotes inside', () => {
    assert.deepEqual(parseCsvLine('AIG,"American International Group, Inc.",Financials'), [
      'AIG',
      'American International Group, Inc.',
      'Financials',
    ]);
    assert.deepEqual(parseCsvLine('"say ""hi""",x,""'), ['say "hi"', 'x', '']);
  });

  it('tells a quoted field that never closes', () => {
    assert.equal(hasUnclosedQuote('2013-02-14,1,2,3,"4,5'), true);
    assert.equal(hasUnclosedQuote('"a","b"'), false);
  });
});

describe('row view', () => {
  it('finds fields in place and compares them without cutting them out', () => {
    const v = newRowView();
    assert.equal(scanPlainRow('2013-02-08,45.07,45.35,45.0,45.08,1824755,A', v), true);
    assert.equal(v.count, 7);
    assert.equal(fieldText(v, 0), '2013-02-08');
    assert.equal(fieldEquals(v, 6, 'A'), true);
    assert.equal(fieldEquals(v, 6, 'AA'), false);
  });

  it('hands a quoted line to the full parser', () => {
    const v = newRowView();
    const line = '"2013-02-13","66.7442","67.6628",x';
    assert.equal(scanPlainRow(line, v), false);
    viewFromQuotedLine(line, v);
    assert.equal(v.count, 4);
    assert.equal(fieldText(v, 0), '2013-02-13');
    assert.equal(fieldNumber(v, 1), 66.7442);
    assert.equal(fieldText(v, 3), 'x');
  });

  it('reads every number of a real price file bit-identical to Number()', () => {
    const text =
      readFileSync(csvFixture('yahoo', 'UA.csv'), 'utf8') +
      readFileSync(csvFixture('kaggle', 'aptv-short-history.csv'), 'utf8');
    const v = newRowView();
    let checked = 0;
    for (const line of text.split('\n')) {
      if (!scanPlainRow(line, v)) continue;
      for (let i = 0; i < v.count; i++) {
        const t = fieldText(v, i);
        if (t === '' || Number.isNaN(Number(t))) continue;
        assert.ok(Object.is(fieldNumber(v, i), Number(t)), `field "${t}"`);
        checked++;
      }
    }
    assert.ok(checked > 300);
    for (const t of [
      '0.1',
      '-3',
      '1e3',
      '00012.50',
      '.5',
      '1.',
      '123456789012345',
      '1234567890123456789',
      '83.41999799999999',
    ]) {
      scanPlainRow(t, v);
      assert.ok(Object.is(fieldNumber(v, 0), Number(t)), t);
    }
  });

  it('gives NaN for blank, text and lone signs, and knows blank from text', () => {
    const v = newRowView();
    scanPlainRow(',  ,abc,-,null,NaN,Infinity', v);
    for (let i = 0; i < 6; i++) assert.ok(Number.isNaN(fieldNumber(v, i)), `field ${i}`);
    assert.equal(fieldNumber(v, 6), Number.POSITIVE_INFINITY);
    assert.equal(fieldIsBlank(v, 0), true);
    assert.equal(fieldIsBlank(v, 1), true);
    assert.equal(fieldIsBlank(v, 2), false);
  });
});

describe('price dates', () => {
  it('reads ISO and compact dates as the same day numbers as the domain parser', () => {
    for (const iso of ['1970-01-01', '2000-02-29', '2013-02-08', '2016-12-30', '2099-12-31']) {
      assert.equal(parseIsoDay(iso), dayFromIso(iso));
      assert.equal(parseCompactDay(iso.replaceAll('-', '')), dayFromIso(iso));
    }
    assert.equal(parseIsoDay('x2013-02-08,', 1, 11), dayFromIso('2013-02-08'));
  });

  it('refuses dates that are not calendar dates or not of the expected form', () => {
    for (const bad of [
      '2013-02-30',
      '2015-02-29',
      '1900-02-29',
      '2013-13-01',
      '2013-2-13',
      '02/12/2013',
      '2013-02-0a',
      '',
    ]) {
      assert.ok(Number.isNaN(parseIsoDay(bad)), bad);
    }
    assert.ok(Number.isNaN(parseCompactDay('20130230')));
    assert.ok(Number.isNaN(parseCompactDay('2013-02-08')));
  });
});
