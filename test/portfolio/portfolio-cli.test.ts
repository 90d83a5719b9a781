import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { writeSeries } from '../analysis/analysis-store-helpers.js';
import { walkBars } from '../analysis/bar-series-fixtures.js';

const BIN = resolve('bin', 'marketdeck');

describe('portfolio and report on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-portfolio-cli-'));
  const db = join(dir, 'cli.db');
  const run = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], {
      encoding: 'utf8',
      env: { ...process.env, MARKETDECK_DATA_DIR: dir, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    const store = await SqliteStore.open(db);
    for (const [symbol, seed] of [
      ['AAA', 1],
      ['BBB', 2],
      ['SPY', 3],
    ] as const) {
      await writeSeries(store, walkBars(symbol, 300, seed), 'Energy');
    }
    await store.close();
    writeFileSync(
      join(dir, 'holdings.csv'),
      // The walks end on 2018-02-07 after 300 weekdays: both holdings are bought inside them.
      'symbol,shares,cost_basis,date\nAAA,10,1000,2017-06-01\nBBB,5,500,2017-06-01\n',
    );
    writeFileSync(
      join(dir, 'bad.json'),
      '[\n  {"date": "2017-06-01", "symbol": "AAA", "type": "buy", "quantity": 1, "price": -1}\n]\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a named portfolio and prints its figures as JSON', () => {
    const imported = run(['portfolio', 'import', join(dir, 'holdings.csv'), '--name', 'mine', '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(JSON.parse(imported.stdout).name, 'mine');
    const shown = run(['portfolio', '--name', 'mine', '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const a = JSON.parse(shown.stdout);
    assert.deepEqual(
      a.holdings.map((h: { symbol: string }) => h.symbol),
      ['AAA', 'BBB'],
    );
    assert.equal(typeof a.timeWeightedReturn, 'number');
    assert.equal(typeof a.beta, 'number');
  });

  it('refuses a bad row with file:line and exit 2, and an unknown portfolio with exit 2', () => {
    const bad = run(['portfolio', 'import', join(dir, 'bad.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json:2: price "-1": expected a number of at least 0/);
    assert.equal(run(['portfolio', '--name', 'nope']).code, 2);
  });

  it('reports on a portfolio universe and its holdings offline, logging each batch', () => {
    const analysed = run(['analyze', '--universe', 'portfolio:mine', '--json'], { ANALYSIS_WORKERS: '1' });
    assert.equal(analysed.code, 0, analysed.stderr);
    assert.equal(JSON.parse(analysed.stdout).tickers, 2);
    const r = run(['report', '--portfolio', 'mine', '--no-prefetch', '--json'], { BATCH_PREFETCH_MIN_HOLDINGS: '1' });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.batch_metrics.successful_tickers, 2);
    assert.equal(out.batch_metrics.mode, 'batch');
    assert.match(r.stderr, /Batch 1\/1: AAA, BBB completed in \d+\.\d s/);
    assert.match(r.stderr, /BATCH_PREFETCH_MIN_HOLDINGS=1/);
  });

  it('stops on a bad setting, naming it', () => {
    const r = run(['report', '--tickers', 'AAA', '--no-prefetch'], { BATCH_PREFETCH_ENABLED: 'maybe' });
    assert.equal(r.code, 2, 'a bad setting is a usage error');
    assert.match(r.stderr, /BATCH_PREFETCH_ENABLED: "maybe" is not allowed; expected true\/false/);
  });
});
