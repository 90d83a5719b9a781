import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';
import { nyseSeries } from './nyse-series.js';

describe('marketdeck coverage, backfill and schedules', () => {
  let dir: string;
  let db: string;
  const cli = (...args: string[]) => runNodeChild([cliEntry(), '--db', db, ...args], { MARKETDECK_DATA_DIR: dir });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-ops-cli-'));
    db = join(dir, 'ops.db');
    const store = await SqliteStore.open(db);
    await store.bars.writeTickers([
      { symbol: 'GAP', bars: nyseSeries('GAP', '2024-11-01', '2024-12-31', ['2024-11-29', '2024-12-02']) },
      { symbol: 'OK', bars: nyseSeries('OK', '2024-11-01', '2024-12-31') },
    ]);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('coverage --json gives the gap as one range over the half day and the Monday after', async () => {
    const run = await cli('coverage', '--json');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const gap = report.tickers.find((t: { symbol: string }) => t.symbol === 'GAP');
    assert.deepEqual(
      gap.missing.map((r: { from: string; to: string; days: number }) => [r.from, r.to, r.days]),
      [['2024-11-29', '2024-12-02', 2]],
    );
    assert.equal(report.summary.complete, 1);
  });

  it('coverage --csv writes one row per ticker, ranges as from..to', async () => {
    const run = await cli('coverage', '--csv', '--tickers', 'GAP');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[0].split(',')[0], 'symbol');
    assert.match(lines[1], /^GAP,NYSE\/Nasdaq,2024-11-01,2024-12-31,39,41,2,2024-11-29\.\.2024-12-02,/);
    assert.equal(lines.length, 2);
  });

  it('refuses bad flags naming the value and what is allowed, exit 2', async () => {
    const both = await cli('coverage', '--json', '--csv');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json and --csv/);
    const days = await cli('backfill', '--days', '0');
    assert.equal(days.code, 2);
    assert.match(days.stderr, /--days "0" is not allowed; expected an integer 1-36500/);
    const from = await cli('backfill', '--from', '2024-13-01');
    assert.equal(from.code, 2);
    assert.match(from.stderr, /--from "2024-13-01" is not a date/);
  });

  it('schedules --json lists precompute, update and the health sample with their expressions', async () => {
    const run = await runNodeChild([cliEntry(), '--db', db, 'schedules', '--json'], {
      MARKETDECK_DATA_DIR: dir,
      UPDATE_CRON: '30 18 * * 1-5',
    });
    assert.equal(run.code, 0, run.stderr);
    const schedules = JSON.parse(run.stdout) as { name: string; cron: string; enabled: boolean; lastRun: unknown }[];
    assert.deepEqual(
      schedules.map((s) => [s.name, s.cron, s.enabled, s.lastRun]),
      [
        ['precompute', '*/10 * * * *', true, null],
        ['update', '30 18 * * 1-5', true, null],
        ['health', '* * * * *', true, null],
      ],
    );
  });
});
