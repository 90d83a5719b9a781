import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { isoFromDay } from '../../src/domain/epoch-day.js';
import { importFiles } from '../../src/fetch/import-files.js';
import type { ImportSummary } from '../../src/fetch/import-summary.js';
import type { QualityFlagKind, Store } from '../../src/store/store.js';
import { makeTestStore } from '../support/make-test-store.js';
import { csvFixture, dataRowCount, day, flagDates, readAll, storedFlags } from './csv-fixtures.js';

/**
 * Every defect of the real price files listed in the shared data notes, imported from a small real excerpt
 * (test/fixtures/csv, provenance in test/fixtures/README.md): the right rows are rejected with the right
 * reason, odd rows are stored and flagged, values are never altered, and no other row is lost.
 */
async function importFixture(
  ...parts: string[]
): Promise<{ store: Store; summary: ImportSummary; dispose: () => Promise<void> }> {
  const { store, dispose } = await makeTestStore();
  const path = csvFixture(...parts);
  const summary = await importFiles(store, [path]);
  const text = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  assert.equal(summary.failedFiles.length, 0);
  assert.equal(summary.rowsStored + summary.rowsRejected, dataRowCount(text), 'every row is stored or rejected');
  return { store, summary, dispose };
}

async function closeOn(store: Store, symbol: string, iso: string): Promise<number | undefined> {
  const s = await store.bars.read(symbol);
  const i = s ? s.dates.indexOf(day(iso)) : -1;
  return i === -1 || !s ? undefined : s.close[i];
}

async function kinds(store: Store, symbol: string): Promise<QualityFlagKind[]> {
  return (await storedFlags(store, symbol)).map((f) => f.kind);
}

describe('real defects of the Kaggle S&P 500 file (2013-2018)', () => {
  it('DISCA: the unadjusted 2:1 split of 2014-08-07 is flagged as a jump and stored as it is', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'disca-split-2014-08-07.csv');
    try {
      assert.equal(summary.rowsRejected, 0);
      assert.deepEqual(await flagDates(store, 'DISCA', 'suspicious-jump'), ['2014-08-07']);
      assert.deepEqual(await kinds(store, 'DISCA'), ['suspicious-jump']);
      assert.equal(await closeOn(store, 'DISCA', '2014-08-06'), 83.02);
      assert.equal(await closeOn(store, 'DISCA', '2014-08-07'), 40.975);
    } finally {
      await dispose();
    }
  });

  it('LNT: the bad close of 2016-05-19 is kept, flagged as inconsistent and as a jump down and back up', async () => {
    const { store, dispose } = await importFixture('kaggle', 'lnt-bad-day-2016-05-19.csv');
    try {
      assert.equal(await closeOn(store, 'LNT', '2016-05-19'), 17.87);
      assert.deepEqual(await flagDates(store, 'LNT', 'inconsistent-high-low'), ['2016-05-19']);
      assert.deepEqual(await flagDates(store, 'LNT', 'suspicious-jump'), ['2016-05-19', '2016-05-20']);
    } finally {
      await dispose();
    }
  });

  it('EBAY, BAX, NI: unadjusted spin-off days are flagged', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'spin-offs-2015-07.csv');
    try {
      assert.equal(summary.tickers, 3);
      assert.deepEqual(await flagDates(store, 'EBAY', 'suspicious-jump'), ['2015-07-20']);
      assert.deepEqual(await flagDates(store, 'BAX', 'suspicious-jump'), ['2015-07-01']);
      assert.deepEqual(await flagDates(store, 'NI', 'suspicious-jump'), ['2015-07-02']);
      assert.equal(summary.flags.total, 3);
    } finally {
      await dispose();
    }
  });

  it('the 11 rows with empty open/high/low are rejected as empty-field with file:line; the rows around them are stored', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'empty-fields.csv');
    try {
      assert.deepEqual(summary.rejectsByReason, { 'empty-field': 11 });
      const rejects = await store.rejects.list(100);
      assert.deepEqual(rejects.map((r) => r.symbol).sort(), [
        'BHF',
        'DHR',
        'DHR',
        'ES',
        'FTV',
        'O',
        'O',
        'REGN',
        'UA',
        'VRTX',
        'WRK',
      ]);
      const dhr = rejects.find((r) => r.location.endsWith('empty-fields.csv:9'));
      assert.equal(dhr?.reason, 'empty-field: open empty (expected a number)');
      assert.equal(dhr?.raw, '2015-07-17,,88.76,88.24,88.72,2056819,DHR');
      assert.equal(dhr?.source, 'csv');
      assert.equal(await closeOn(store, 'DHR', '2015-07-17'), undefined);
      assert.equal(await closeOn(store, 'DHR', '2015-07-16'), 88.7);
      assert.equal(await closeOn(store, 'DHR', '2015-07-20'), 88.58);
      assert.ok(
        (await flagDates(store, 'DHR', 'missing-days')).includes('2015-07-17'),
        'the refused day shows as missing',
      );
    } finally {
      await dispose();
    }
  });

  it('the 4 rows with volume 0 are the empty-field rows, and are rejected for those empty fields', async () => {
    const { summary, dispose } = await importFixture('kaggle', 'volume-zero.csv');
    try {
      assert.deepEqual(summary.rejectsByReason, { 'empty-field': 4 });
      assert.equal(summary.rowsStored, 12);
    } finally {
      await dispose();
    }
  });

  it('of the 12 rows whose high/low do not cover open and close, the one with high below low is rejected, 11 are flagged', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'high-low-inconsistent.csv');
    try {
      assert.deepEqual(summary.rejectsByReason, { 'high-below-low': 1 });
      const [reject] = await store.rejects.list(10);
      assert.equal(reject.symbol, 'AOS');
      assert.equal(reject.reason, 'high-below-low: high 23.595 is below low 23.85');
      assert.equal(summary.flags.byKind['inconsistent-high-low'], 11);
      const expected: [string, string][] = [
        ['BBY', '2016-03-14'],
        ['CHD', '2014-05-19'],
        ['CHK', '2014-06-30'],
        ['DHR', '2014-11-06'],
        ['IP', '2014-07-01'],
        ['LNT', '2016-05-19'],
        ['SPG', '2014-05-28'],
        ['UA', '2016-06-10'],
        ['WRK', '2016-05-13'],
      ];
      for (const [symbol, iso] of expected) {
        assert.deepEqual(await flagDates(store, symbol, 'inconsistent-high-low'), [iso], symbol);
      }
      assert.deepEqual(await flagDates(store, 'O', 'inconsistent-high-low'), ['2014-08-27', '2014-11-06']);
      assert.equal(await closeOn(store, 'SPG', '2014-05-28'), 165.42);
    } finally {
      await dispose();
    }
  });

  it('APTV: the shortest history (44 rows from 2017-12-05) imports whole, with no flags', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'aptv-short-history.csv');
    try {
      assert.equal(summary.rowsStored, 44);
      assert.deepEqual(summary.dateRange, { from: '2017-12-05', to: '2018-02-07' });
      assert.deepEqual(await storedFlags(store, 'APTV'), []);
    } finally {
      await dispose();
    }
  });

  it('DHR, O, ES, ICE, BMY, ORCL: every missing day inside their ranges is flagged (16, 16, 10, 5, 2, 2)', async () => {
    const { store, dispose } = await importFixture('kaggle', 'missing-days.csv');
    try {
      // The fixture joins short excerpts around each gap, so the long gaps between excerpts are flagged too;
      // the real gaps are the ones of at most 10 days.
      const real = async (symbol: string) =>
        (await storedFlags(store, symbol))
          .filter((f) => f.kind === 'missing-days' && Number(f.detail.split(' ')[0]) <= 10)
          .map((f) => f.detail);
      const one = (iso: string) => `1 trading day missing: ${iso}`;
      const dhr = [
        one('2013-04-26'),
        '3 trading days missing: 2013-09-09..2013-09-11',
        one('2014-06-10'),
        '10 trading days missing: 2015-03-09..2015-03-20',
        one('2016-04-04'),
      ];
      assert.deepEqual(await real('DHR'), dhr);
      assert.deepEqual(await real('O'), [dhr[0], dhr[1], dhr[2], one('2014-07-02'), dhr[3]]);
      assert.deepEqual(await real('ES'), [dhr[3]]);
      assert.deepEqual(await real('ICE'), [dhr[0], dhr[1], dhr[2]]);
      assert.deepEqual(await real('BMY'), [dhr[0], one('2013-06-07')]);
      assert.deepEqual(await real('ORCL'), ['2 trading days missing: 2013-07-15..2013-07-16']);
      const total = async (symbol: string) => (await real(symbol)).reduce((n, d) => n + Number(d.split(' ')[0]), 0);
      assert.deepEqual(await Promise.all(['DHR', 'O', 'ES', 'ICE', 'BMY', 'ORCL'].map(total)), [16, 16, 10, 5, 2, 2]);
    } finally {
      await dispose();
    }
  });

  it('2014-10-30: one-day closes >3% off (KORS, COTY, MTD) are stored unflagged; only a second source shows them', async () => {
    const { store, summary, dispose } = await importFixture('kaggle', 'bad-closes-2014-10-30.csv');
    try {
      assert.equal(summary.flags.total, 0);
      for (const symbol of ['KORS', 'COTY', 'MTD']) {
        const yahoo = (await readAll(csvFixture('yahoo-2014-10-30', `${symbol}.csv`))).blocks[0].series;
        const y = yahoo.close[yahoo.dates.indexOf(day('2014-10-30'))];
        const k = (await closeOn(store, symbol, '2014-10-30')) as number;
        assert.ok(Math.abs(k / y - 1) > 0.03, `${symbol} Kaggle ${k} vs Yahoo ${y}`);
      }
    } finally {
      await dispose();
    }
  });
});

describe('real defects of the Yahoo S&P 500 files (2006-2016)', () => {
  it('WELL: the last row at 0.145 with volume 0, and an open of 0.145 three days before, are flagged, not altered', async () => {
    const { store, dispose } = await importFixture('yahoo', 'WELL.csv');
    try {
      const flags = (await storedFlags(store, 'WELL')).map((f) => `${f.kind} ${isoFromDay(f.date as number)}`);
      assert.deepEqual(flags.sort(), [
        'suspicious-jump 2016-12-27',
        'suspicious-jump 2016-12-30',
        'zero-volume 2016-12-30',
      ]);
      assert.equal(await closeOn(store, 'WELL', '2016-12-30'), 0.145);
    } finally {
      await dispose();
    }
  });

  it('BHF: the earlier security with prices under 1, zero volume and missing days is stored and flagged', async () => {
    const { store, summary, dispose } = await importFixture('yahoo', 'BHF.csv');
    try {
      assert.equal(summary.rowsRejected, 0);
      assert.equal(await closeOn(store, 'BHF', '2007-09-11'), 0.523);
      assert.deepEqual(await flagDates(store, 'BHF', 'zero-volume'), ['2007-09-11', '2007-09-18']);
      const missing = (await storedFlags(store, 'BHF')).filter((f) => f.kind === 'missing-days').map((f) => f.detail);
      assert.ok(missing.includes('14 trading days missing: 2008-07-29..2008-08-15'), missing.join('; '));
    } finally {
      await dispose();
    }
  });

  it('UA: the switch to when-issued rows near 41 on 2016-03-23 is a jump; thin days have volume 0; 2016-03-21 is missing', async () => {
    const { store, dispose } = await importFixture('yahoo', 'UA.csv');
    try {
      assert.deepEqual(await flagDates(store, 'UA', 'suspicious-jump'), ['2016-03-23']);
      assert.deepEqual(await flagDates(store, 'UA', 'zero-volume'), ['2016-03-28', '2016-04-04']);
      assert.deepEqual(await flagDates(store, 'UA', 'missing-days'), ['2016-03-21']);
    } finally {
      await dispose();
    }
  });

  it('real one-day moves (AIG 2008, ETFC, MO, WY, EXPE, VRTX) are flagged for a person to judge, not altered', async () => {
    const cases: [string, string[]][] = [
      ['AIG', ['2008-09-15', '2008-09-16', '2008-09-17', '2008-09-19', '2008-09-22']],
      ['ETFC', ['2007-11-12', '2007-11-13']],
      ['MO', ['2008-03-31']],
      ['WY', ['2010-07-20']],
      ['EXPE', ['2011-12-21']],
      ['VRTX', ['2013-04-19']],
    ];
    for (const [symbol, dates] of cases) {
      const { store, dispose } = await importFixture('yahoo', `${symbol}.csv`);
      try {
        assert.deepEqual(await flagDates(store, symbol, 'suspicious-jump'), dates, symbol);
      } finally {
        await dispose();
      }
    }
  });
});
