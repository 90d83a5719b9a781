import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, parseCsv, toCsv } from '../../web/src/state/csv.js';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks and reads back the same cells', () => {
    const header = ['Symbol', 'Name'];
    const rows = [
      ['BRK.B', 'Berkshire, "B"'],
      ['X', 'two\nlines'],
    ];
    assert.deepEqual(parseCsv(toCsv(header, rows)), [header, ...rows]);
  });

  it('writes numbers raw at full precision, not as the table shows them', () => {
    const csv = toCsv(
      ['Price', 'Volume', '1D %', 'Signals', 'Mkt cap'],
      [[1416.7812345, 8_612_345, -1.8612, ['a', 'b'], null]],
    );
    assert.equal(csv, 'Price,Volume,1D %,Signals,Mkt cap\r\n1416.7812345,8612345,-1.8612,a b,\r\n');
    assert.equal(csvCell(Number.NaN), '');
  });

  it('defuses a text cell a spreadsheet would run as a formula, never a number', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('+1.35%'), "'+1.35%");
    assert.equal(csvCell(-2.5), '-2.5');
  });
});
