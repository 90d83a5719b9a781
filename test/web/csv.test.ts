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

  it('defuses a cell a spreadsheet would run as a formula, and keeps signed figures as shown', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('+1.35%'), '+1.35%');
    assert.equal(csvCell('-1,234.50'), '"-1,234.50"');
  });
});
