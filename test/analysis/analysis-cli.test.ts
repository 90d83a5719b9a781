import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BREADTH_FIELDS } from '../../src/domain/breadth-series.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { writeSeries } from './analysis-store-helpers.js';
import { fixtureBars, walkBars } from './bar-series-fixtures.js';

const BIN = resolve('bin', 'marketdeck');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ANALYSIS_WORKERS: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('analyze, breadth and show --indicators on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-analysis-cli-'));
  const db = join(dir, 'cli.db');
  const empty = join(dir, 'empty.db');

  before(async () => {
    const store = await SqliteStore.open(db);
    await writeSeries(store, fixtureBars('xom-2013-2018'), 'Energy');
    await writeSeries(store, fixtureBars('aapl-2013-2018'), 'Information Technology');
    await writeSeries(store, walkBars('WALK', 400, 5), 'Energy');
    await store.close();
    await (await SqliteStore.open(empty)).close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyze --json prints the run summary', () => {
    const r = run(['analyze', '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.mode, 'full');
    assert.equal(s.tickers, 3);
    assert.equal(s.recomputed, 3);
    assert.equal(s.universe, 'cached');
    for (const phase of ['total', 'plan', 'load', 'indicators', 'signals', 'breadth', 'store']) {
      assert.equal(typeof s.seconds[phase], 'number', phase);
    }
    const again = JSON.parse(run(['analyze', '--db', db, '--json']).stdout);
    assert.equal(again.mode, 'incremental');
    assert.equal(again.skipped, 3);
  });

  it('breadth --json prints dates and every breadth field as aligned arrays, null where undefined', () => {
    const r = run(['breadth', '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout);
    assert.equal(b.scope, 'all');
    assert.match(b.dates[0], /^\d{4}-\d{2}-\d{2}$/);
    for (const f of BREADTH_FIELDS) assert.equal(b[f].length, b.dates.length, f);
    assert.equal(b.trin[0], null);
    assert.ok(b.adLine.every((v: unknown) => typeof v === 'number'));
  });

  it('breadth --sector with --from/--to prints that sector over that range', () => {
    const r = run([
      'breadth',
      '--db',
      db,
      '--sector',
      'Energy',
      '--from',
      '2017-01-02',
      '--to',
      '2017-01-31',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout);
    assert.equal(b.scope, 'sector:Energy');
    assert.ok(b.dates.length > 15 && b.dates.length <= 23);
    assert.ok(b.dates.every((d: string) => d >= '2017-01-02' && d <= '2017-01-31'));
  });

  it('breadth names the known sectors for an unknown one, and says to run analyze when there is none', () => {
    const bad = run(['breadth', '--db', db, '--sector', 'Nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Energy/);
    const none = run(['breadth', '--db', empty]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /marketdeck analyze/);
  });

  it('show --indicators adds the indicator arrays, and an unknown name lists the allowed ones', () => {
    const r = run(['show', 'XOM', '--db', db, '--indicators', 'sma20,rsi14,macdHist', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.sma20.length, s.dates.length);
    assert.equal(s.rsi14[13], null);
    assert.equal(typeof s.rsi14[14], 'number');
    assert.equal(typeof s.macdHist[33], 'number');
    const bad = run(['show', 'XOM', '--db', db, '--indicators', 'sma21']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /sma21.*ema10.*atr14/);
  });

  it('analyze rejects an unknown universe with a usage error', () => {
    const r = run(['analyze', '--db', db, '--universe', 'no-such-universe']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no-such-universe/);
  });

  it('analyze --tickers fails naming tickers with no bars, and a ticker list adds no breadth universe', async () => {
    const none = run(['analyze', '--db', db, '--tickers', 'NOPE']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no bars stored for NOPE; fetch or import them first/);
    const some = run(['analyze', '--db', db, '--tickers', 'NOPE,WALK', '--json']);
    assert.equal(some.code, 3, some.stderr);
    assert.match(some.stderr, /no bars stored for NOPE/);
    assert.equal(JSON.parse(some.stdout).tickers, 1);
    const store = await SqliteStore.open(db, { readOnly: true });
    try {
      assert.deepEqual(await store.analysis.breadthScopes('tickers'), []);
      assert.ok(await store.analysis.screenerRow('WALK'));
    } finally {
      await store.close();
    }
  });
});
