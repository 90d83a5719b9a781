import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';

const BIN = resolve('bin', 'marketdeck');

describe('up, status and show on the bundled sample', () => {
  let dir: string;
  let db: string;
  const run = (args: string[]) => {
    return runCli(db, dir, args);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'md-up-'));
    db = join(dir, 'marketdeck.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('up refuses a bad --port or --host before it imports anything', () => {
    const port = run(['up', '--port', '99999']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port "99999" is not allowed; expected an integer 0-65535/);
    const host = run(['up', '--host', 'a b']);
    assert.equal(host.code, 2);
    assert.match(host.stderr, /--host "a b" is not allowed/);
    assert.doesNotMatch(port.stdout + host.stdout, /importing/, 'nothing was imported');
  });

  it('up imports the sample into an empty database, analyzes and precomputes', () => {
    const r = run(['up', '--json', '--no-serve']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.tickers >= 100, `tickers ${out.tickers}`);
    assert.equal(out.dateRange.from, '2013-02-08');
    assert.equal(out.dateRange.to, '2018-02-07');
    assert.equal(out.sampleData.allSample, true);
    assert.match(out.sampleData.description, /sample/i);
    assert.ok(out.steps.importSample.rowsStored > 100_000);
    assert.ok(out.steps.precompute.entries_cached > 100);
  });

  it('up on a database with data does not import again', () => {
    const r = run(['up', '--json', '--no-serve']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).steps.importSample, undefined);
  });

  it('status --json has top-level ticker and bar counts, the cache and recent jobs', () => {
    const r = run(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.tickers >= 100);
    assert.ok(s.bars > 100_000);
    assert.equal(s.database.kind, 'sqlite');
    assert.ok(s.cache.fresh > 100);
    assert.equal(s.cache.expired, 0);
    assert.equal(s.cache.ttlMinutes, 15);
    assert.ok(s.cache.lastPrecompute);
    assert.ok(
      s.recentJobs.some((j: { kind: string; status: string }) => j.kind === 'analyze' && j.status === 'succeeded'),
    );
  });

  it('show prints columnar JSON with indicator arrays aligned with dates', () => {
    const r = run([
      'show',
      'AAPL',
      '--from',
      '2018-01-02',
      '--to',
      '2018-01-31',
      '--indicators',
      'sma20,rsi14',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.symbol, 'AAPL');
    assert.equal(s.dates[0], '2018-01-02');
    assert.equal(s.dates.at(-1), '2018-01-31');
    for (const key of ['open', 'high', 'low', 'close', 'adjClose', 'volume', 'sma20', 'rsi14']) {
      assert.equal(s[key].length, s.dates.length, key);
    }
    // The Kaggle sample has no adjusted close: JSON null, not 0.
    assert.equal(s.adjClose[0], null);
    assert.ok(s.rsi14.every((v: number) => v > 0 && v < 100));
    assert.deepEqual(s.splits, []);
  });

  it('show in text says how many of the rows it prints, adds the asked indicators, and labels sample data', () => {
    const r = run(['show', 'AAPL', '--indicators', 'rsi14,macd']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^AAPL: 1259 bars 2013-02-08 \.\. 2018-02-07 \(the last 20 shown; --rows N/);
    assert.match(lines[1], /^sample data: bundled real S&P 500 prices of 2013-2018/);
    assert.match(lines[2], /^date +open +high +low +close +adj close +volume +rsi14 +macd$/);
    assert.equal(lines.length, 2 + 2 + 20);
    assert.match(lines.at(-1) ?? '', /^2018-02-07 .* 33\.6822 +-3\.4127$/);
    const three = run(['show', 'AAPL', '--rows', '3']);
    assert.match(three.stdout, /the last 3 shown/);
    assert.equal(three.stdout.trimEnd().split('\n').length, 2 + 2 + 3);
    assert.equal(JSON.parse(run(['show', 'AAPL', '--json']).stdout).sample, true);
  });

  it('show of a range after the stored bars says which dates they span', () => {
    const r = run(['show', 'AAPL', '--from', '2019-01-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^AAPL: 0 bars from 2019-01-01: its stored bars span 2013-02-08 \.\. 2018-02-07\n/);
  });

  it('up and serve --help say they serve the dashboard, not only the JSON API', () => {
    for (const command of ['up', 'serve']) {
      assert.match(run([command, '--help']).stdout, /serve the dashboard and its JSON API at http:\/\/HOST:PORT\//);
    }
  });

  it('breadth labels sample data and says how many dates it prints', () => {
    const text = run(['breadth']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\(the last 20 dates shown; --from\/--to or --json for the others\)/);
    assert.match(text.stdout, /data: sample data \(bundled real S&P 500 prices\)/);
    const json = JSON.parse(run(['breadth', '--json']).stdout);
    assert.equal(json.sample, true);
    assert.deepEqual(json.dateRange, { from: '2013-02-08', to: '2018-02-07' });
  });

  it('show of an unknown ticker exits 1 naming it; a bad date or indicator exits 2', () => {
    const unknown = run(['show', 'ZZZZ', '--json']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /"ZZZZ"/);
    const badDate = run(['show', 'AAPL', '--from', '2018-13-01']);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--from "2018-13-01"/);
    const badIndicator = run(['show', 'AAPL', '--indicators', 'sma21', '--json']);
    assert.equal(badIndicator.code, 2);
    assert.match(badIndicator.stderr, /sma21/);
    const badSymbol = run(['show', 'A B']);
    assert.equal(badSymbol.code, 2);
  });

  it('ends quietly with exit 0 when the reader of its output goes away', async () => {
    for (const args of [['show', 'AAPL', '--json'], ['breadth', '--json'], ['status']]) {
      // Like `| head -c 1`: the reader takes the first bytes and closes the pipe while the command still writes.
      const child = spawn(process.execPath, [BIN, '--db', db, ...args], {
        env: { ...process.env, MARKETDECK_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '', args.join(' '));
      assert.equal(code, 0, args.join(' '));
    }
  });
});
