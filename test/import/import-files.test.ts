import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importFiles } from '../../src/fetch/import-files.js';
import { importExitCode } from '../../src/fetch/import-summary.js';
import { makeTestStore } from '../support/make-test-store.js';
import { csvFixture, day, storedFlags } from './csv-fixtures.js';

const synthetic = (name: string) => csvFixture('synthetic', name);

/** Imports the files into a fresh store and hands both to `check`. */
async function withImport(
  paths: string[],
  check: (r: {
    store: import('../../src/store/store.js').Store;
    summary: import('../../src/fetch/import-summary.js').ImportSummary;
  }) => Promise<void>,
  opts: Parameters<typeof importFiles>[2] = {},
): Promise<void> {
  const { store, dispose } = await makeTestStore();
  try {
    await check({ store, summary: await importFiles(store, paths, opts) });
  } finally {
    await dispose();
  }
}

describe('importFiles: bad rows', () => {
  const cases: [string, Record<string, number>, number, RegExp][] = [
    [
      'malformed-rows.csv',
      { 'malformed-row': 2 },
      4,
      /^malformed-row: (6 fields, expected at least 7|a quoted field is not closed)$/,
    ],
    [
      'non-numeric.csv',
      { 'non-numeric': 4 },
      2,
      /^non-numeric: (low "abc"|close "null"|volume "many"|close "NaN") is not a number$/,
    ],
    [
      'duplicate-date.csv',
      { 'duplicate-date': 1 },
      3,
      /^duplicate-date: date 2013-02-11 already read for AAPL; the first row is kept$/,
    ],
    ['high-below-low.csv', { 'high-below-low': 1 }, 2, /^high-below-low: high 67\.6071 is below low 69\.2771$/],
    [
      'non-positive-price.csv',
      { 'non-positive-price': 2, 'negative-volume': 1 },
      2,
      /^(non-positive-price: (low -67\.6071|open 0) is not above 0|negative-volume: volume -5 is negative)$/,
    ],
    [
      'bad-dates.csv',
      { 'bad-date': 3 },
      2,
      /^bad-date: date "(2013-02-30|02\/12\/2013|2013-2-13)" is not a calendar date of the form YYYY-MM-DD$/,
    ],
  ];
  for (const [file, byReason, stored, reason] of cases) {
    it(`${file}: rejects ${Object.keys(byReason).join(', ')} with file:line, stores the other ${stored} rows`, async () => {
      await withImport([synthetic(file)], async ({ store, summary }) => {
        assert.deepEqual(summary.rejectsByReason, byReason);
        assert.equal(summary.rowsStored, stored);
        assert.equal(importExitCode(summary), 0, 'rejected rows are reported, not failures');
        const rejects = await store.rejects.list(100);
        assert.equal(rejects.length, summary.rowsRejected);
        for (const r of rejects) {
          assert.match(r.reason, reason);
          assert.match(r.location, new RegExp(`${file.replace('.', '\\.')}:\\d+$`));
        }
      });
    });
  }

  it('keeps the first of two rows with the same date', async () => {
    await withImport([synthetic('duplicate-date.csv')], async ({ store }) => {
      const s = await store.bars.read('AAPL');
      assert.equal(s?.close[s.dates.indexOf(day('2013-02-11'))], 68.5614);
    });
  });
});

describe('importFiles: files', () => {
  it('lists an unreadable file with its reason, still imports the others, and exits 3', async () => {
    const files = [
      synthetic('unknown-header.csv'),
      csvFixture('kaggle', 'disca-split-2014-08-07.csv'),
      synthetic('no-such-file.csv'),
      synthetic('empty.csv'),
      synthetic(join('truncated', 'AAPL.csv.gz')),
      csvFixture('yahoo', 'WY.csv'),
    ];
    await withImport(files, async ({ store, summary }) => {
      assert.equal(importExitCode(summary), 3);
      assert.equal(summary.files, 6);
      assert.equal(summary.filesRead, 2);
      const reasons = Object.fromEntries(summary.failedFiles.map((f) => [f.path.split('/').pop(), f.reason]));
      assert.match(
        reasons['unknown-header.csv'],
        /header "when,ticker_price,qty" is not a known price-file header; expected one of:/,
      );
      assert.match(reasons['unknown-header.csv'], /date,open,high,low,close,volume,Name/);
      assert.equal(reasons['no-such-file.csv'], 'no such file or folder');
      assert.match(reasons['empty.csv'], /file is empty/);
      assert.match(
        reasons['AAPL.csv.gz'],
        /gzip data ends early after line \d+ \(truncated file\?\); the file was cut inside AAPL, whose \d+ rows read are not stored/,
      );
      // The one ticker of the cut file is incomplete: none of it is stored, rather than a history that looks whole.
      assert.deepEqual(await store.tickers.symbolsWithBars(), ['DISCA', 'WY']);
      assert.equal((await store.bars.read('DISCA'))?.dates.length, 9);
    });
  });

  it('stores the whole tickers of a cut multi-ticker file and none of the one it was cut in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-cut-'));
    const cut = join(dir, 'prices-cut.csv.gz');
    // The first tickers of the bundled Kaggle file, cut inside the fourth one.
    writeFileSync(cut, readFileSync(join('sample', 'prices-2013-2018.csv.gz')).subarray(0, 60_000));
    try {
      await withImport([cut], async ({ store, summary }) => {
        assert.equal(summary.filesRead, 0);
        assert.match(summary.failedFiles[0].reason, /the file was cut inside AEP, whose 1059 rows read are not stored/);
        assert.deepEqual(await store.tickers.symbolsWithBars(), ['AAPL', 'ABBV']);
        assert.equal(summary.rowsStored, 2518);
        assert.equal((await store.bars.read('ABBV'))?.dates.length, 1259, 'a ticker read whole is stored whole');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('walks folders recursively, reading .csv, .csv.gz and .txt of every format', async () => {
    await withImport([csvFixture('yahoo')], async ({ summary, store }) => {
      assert.equal(summary.files, 10);
      assert.equal(importExitCode(summary), 0);
      assert.ok((await store.tickers.symbolsWithBars()).includes('BRK.B'));
    });
    await withImport([synthetic('aapl.us.txt'), synthetic('stooq-bulk.txt')], async ({ summary, store }) => {
      assert.deepEqual(await store.tickers.symbolsWithBars(), ['AAPL', 'BRK.B', 'MSFT']);
      assert.equal(summary.rowsSkipped, 1);
      assert.equal((await store.bars.read('AAPL'))?.dates.length, 3, 'the same AAPL days from both files merge');
    });
  });

  it('reports a folder without price files as a failed path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marketdeck-empty-'));
    try {
      await withImport([dir], async ({ summary }) => {
        assert.deepEqual(summary.failedFiles, [{ path: dir, reason: 'no .csv, .csv.gz or .txt files in this folder' }]);
        assert.equal(importExitCode(summary), 3);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('merges a ticker that comes back later in the file and flags its rows as a whole', async () => {
    await withImport([synthetic('unordered-tickers.csv')], async ({ store, summary }) => {
      assert.equal((await store.bars.read('A'))?.dates.length, 5);
      assert.equal((await store.bars.read('AAPL'))?.dates.length, 3);
      assert.deepEqual(summary.rejectsByReason, { 'duplicate-date': 1 });
      assert.equal(summary.tickers, 2);
      const a = await store.bars.read('A');
      assert.equal(a?.close[a.dates.indexOf(day('2013-02-11'))], 44.6, 'the first 2013-02-11 row is kept');
    });
  });

  it('re-importing the same files changes no bar and reports the same rejects and flags', async () => {
    const { store, dispose } = await makeTestStore();
    try {
      const files = [csvFixture('kaggle'), csvFixture('yahoo', 'WELL.csv')];
      const first = await importFiles(store, files);
      const before = await store.bars.versions();
      const flagsBefore = await storedFlags(store, 'LNT');
      const rejectsBefore = await store.rejects.count();
      const second = await importFiles(store, files);
      assert.ok(rejectsBefore > 0);
      assert.equal(await store.rejects.count(), rejectsBefore, 'the rejects table lists each bad row once');
      assert.ok(first.barsAdded > 0);
      assert.equal(second.barsAdded, 0);
      assert.equal(second.barsChanged, 0);
      assert.equal(second.rowsStored, first.rowsStored);
      assert.deepEqual(second.rejectsByReason, first.rejectsByReason);
      assert.deepEqual(second.flags.byKind, first.flags.byKind);
      assert.deepEqual(await store.bars.versions(), before, 'no ticker was rewritten');
      assert.deepEqual(await storedFlags(store, 'LNT'), flagsBefore);
    } finally {
      await dispose();
    }
  });

  it('names and sectors the imported tickers from a sector file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marketdeck-sector-'));
    try {
      const sectors = join(dir, 'sectors.csv');
      writeFileSync(
        sectors,
        'Symbol,Name,Sector\nEBAY,eBay Inc.,Information Technology\nNI,NiSource Inc.,Utilities\nZZZZ,Not Imported,Energy\n',
      );
      await withImport(
        [csvFixture('kaggle', 'spin-offs-2015-07.csv')],
        async ({ store }) => {
          assert.equal((await store.tickers.get('EBAY'))?.sector, 'Information Technology');
          assert.equal((await store.tickers.get('NI'))?.name, 'NiSource Inc.');
          assert.equal((await store.tickers.get('BAX'))?.sector ?? null, null);
          assert.equal(await store.tickers.get('ZZZZ'), null, 'only imported tickers are named');
        },
        { sectorFile: sectors },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summarises rows, flags with examples and the date range', async () => {
    await withImport([csvFixture('kaggle', 'lnt-bad-day-2016-05-19.csv')], async ({ summary }) => {
      assert.deepEqual(summary.dateRange, { from: '2016-05-13', to: '2016-05-25' });
      assert.deepEqual(summary.flags.byKind, { 'inconsistent-high-low': 1, 'suspicious-jump': 2 });
      assert.equal(summary.flags.total, 3);
      assert.ok(
        summary.flags.examples.some(
          (e) => e.symbol === 'LNT' && e.date === '2016-05-19' && e.kind === 'suspicious-jump',
        ),
      );
    });
  });
});
