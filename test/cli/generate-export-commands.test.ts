import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyBarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso, isoFromDay } from '../../src/domain/epoch-day.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-generate-export-'));
const db = join(dir, 'cli.db');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI the way this test runs: compiled JS under node, or the TypeScript source through the same loader. */
function cli(args: string[]) {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const script = fileURLToPath(new URL(`../../src/cli/run${ext}`, import.meta.url));
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  const r = spawnSync(process.execPath, [...execArgv, script, '--db', db, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('marketdeck generate and export bars', () => {
  before(async () => {
    // A hand-made ticker with a missing open and a price that needs all 17 significant digits.
    const store = await SqliteStore.open(db);
    const s = emptyBarSeries('PREC', 2);
    s.dates.set([dayFromIso('2024-01-02'), dayFromIso('2024-01-03')]);
    s.open.set([Number.NaN, 10.5]);
    s.high.set([11, 11]);
    s.low.set([10, 10]);
    s.close.set([10.732857000000001, 10.6]);
    s.adjClose.set([0.1 + 0.2, Number.NaN]);
    s.volume.set([2 ** 40 + 1, 0]);
    await store.bars.writeTicker({ symbol: 'PREC', bars: s });
    await store.close();
  });

  it('generates a synthetic market and prints its summary as JSON', () => {
    const r = cli(['generate', '--tickers', '5', '--days', '40', '--seed', '9', '--end', '2024-03-29', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.tickers, 5);
    assert.equal(summary.bars, 200);
    assert.equal(summary.to, '2024-03-29');
    assert.ok(summary.sizeBytes > 0);
  });

  it('exports CSV rows that read back to exactly the stored numbers, NaN as an empty cell', async () => {
    const r = cli(['export', 'bars', '--tickers', 'PREC,S0001']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'symbol,date,open,high,low,close,adj_close,volume');
    assert.equal(lines[1], 'PREC,2024-01-02,,11,10,10.732857000000001,0.30000000000000004,1099511627777');
    assert.equal(lines[2], 'PREC,2024-01-03,10.5,11,10,10.6,,0');
    const store = await SqliteStore.open(db);
    try {
      const s = (await store.bars.read('S0001'))!;
      const rows = lines.filter((l) => l.startsWith('S0001,'));
      assert.equal(rows.length, 40);
      rows.forEach((line, i) => {
        const [, date, ...values] = line.split(',');
        assert.equal(date, isoFromDay(s.dates[i]));
        assert.deepEqual(values.map(Number), [s.open[i], s.high[i], s.low[i], s.close[i], s.adjClose[i], s.volume[i]]);
      });
    } finally {
      await store.close();
    }
  });

  it('exports a JSON array to a file, with null for NaN', () => {
    const out = join(dir, 'bars.json');
    const r = cli(['export', 'bars', '--format', 'json', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).bars, 202);
    const rows = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(rows.length, 202);
    assert.deepEqual(rows[0], {
      symbol: 'PREC',
      date: '2024-01-02',
      open: null,
      high: 11,
      low: 10,
      close: 10.732857000000001,
      adj_close: 0.30000000000000004,
      volume: 1099511627777,
    });
  });

  it('exits 3 naming the asked tickers that have no bars, exporting the others', () => {
    const r = cli(['export', 'bars', '--format', 'jsonl', '--tickers', 'PREC,NOPE']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no bars stored for NOPE/);
    assert.equal(r.stdout.trimEnd().split('\n').length, 2);
  });

  it('names the missing folder of --out before exporting anything', () => {
    const r = cli(['export', 'bars', '--out', join(dirname(db), 'no-such-folder', 'bars.csv')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot write --out ".*bars\.csv": its folder .*no-such-folder does not exist/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  });

  it('exits 2 on a format it does not know', () => {
    const r = cli(['export', 'bars', '--format', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format "xml".*csv, json, jsonl/);
  });
});
