import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeChecksums } from '../../src/store/store-checksums.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres-test-database.js';
import { runNodeChild } from '../support/run-node-child.js';

const available = await postgresAvailable();
if (!available.ok) console.log(`# ${available.reason}`);
const skip = available.ok ? false : available.reason;

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-migrate-'));
const source = join(dir, 'source.db');
let database: TestDatabase | null = null;

const script = fileURLToPath(
  new URL(`../../src/cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const cli = (args: string[]) => runNodeChild([script, ...args]);

interface MigrateResult {
  verified: boolean;
  resumedAfter: string | null;
  sections: { section: string; copied: number; sourceCount: number; targetCount: number; ok: boolean }[];
}

describe('marketdeck migrate', { skip }, () => {
  before(async () => {
    database = await createTestDatabase('migrate');
    const gen = await cli(['--db', source, 'generate', '--tickers', '30', '--days', '400', '--seed', '7', '--json']);
    assert.equal(gen.code, 0, gen.stderr);
    // The data of record beyond bars: fetch memory, quotes, a universe, a portfolio, a report, rejects, jobs.
    const store = await SqliteStore.open(source);
    const [first] = await store.tickers.symbolsWithBars();
    const at = new Date('2024-03-01T12:00:00Z');
    await store.fetchState.record({ symbol: first, source: 'yahoo', at, error: null, bars: 400, meta: { adj: 1.5 } });
    await store.fetchState.record({
      symbol: first,
      source: 'yahoo',
      at: new Date(at.getTime() + 1000),
      error: 'HTTP 503',
    });
    await store.quotes.upsert([{ symbol: first, price: 12.5, marketCap: 1e9, trailingPE: Number.NaN }], at);
    await store.universes.set(
      'mine',
      [{ symbol: first }, { symbol: 'ZZZ', from: dayFromIso('2020-01-02') }],
      'my list',
    );
    await store.portfolios.put({
      name: 'p',
      baseCurrency: 'USD',
      transactions: [
        {
          date: dayFromIso('2024-01-02'),
          symbol: first,
          type: 'buy',
          quantity: 3,
          price: 10,
          fees: 1,
          currency: 'USD',
        },
      ],
    });
    await store.reports.add([
      {
        symbol: first,
        runId: 'r1',
        analyst: 'rules',
        verdict: 'hold',
        reasons: ['flat'],
        summary: 's',
        facts: { a: 1 },
        createdAt: at,
      },
    ]);
    await store.rejects.add([{ source: 'csv', location: 'a.csv:3', symbol: null, reason: 'bad date', raw: 'x,y' }]);
    await store.jobRuns.create({ id: 'job-1', kind: 'fetch', params: { tickers: 3 }, owner: 'h:1' });
    await store.jobRuns.update('job-1', { status: 'partial', startedAt: at, finishedAt: at, error: 'ZZZ: 404' });
    await store.close();
  });
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every section into PostgreSQL and verifies counts and checksums, and a re-run duplicates nothing', async () => {
    const url = await database!.freshSchemaUrl();
    const first = await cli(['migrate', '--from', `sqlite:${source}`, '--to', url, '--json']);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const a = JSON.parse(first.stdout) as MigrateResult;
    assert.equal(a.verified, true);
    const bars = a.sections.find((s) => s.section === 'bars')!;
    assert.equal(bars.targetCount, 30);
    for (const name of ['fetchState', 'quotes', 'universes', 'portfolios', 'reports', 'rejects', 'jobRuns']) {
      assert.ok(a.sections.find((s) => s.section === name)!.targetCount >= 1, name);
    }
    const again = await cli(['migrate', '--from', `sqlite:${source}`, '--to', url, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const b = JSON.parse(again.stdout) as MigrateResult;
    assert.equal(b.verified, true);
    assert.deepEqual(
      b.sections.map((s) => s.targetCount),
      a.sections.map((s) => s.targetCount),
    );
    assert.equal(b.sections.find((s) => s.section === 'reports')!.copied, 0);
  });

  it('names what each row counts: the bar section counts tickers, each with its whole series', async () => {
    const url = await database!.freshSchemaUrl();
    const r = await cli(['migrate', '--from', `sqlite:${source}`, '--to', url]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    // 30 tickers of 400 days each: the row says 30 and that it counts tickers, not bars.
    assert.match(r.stdout, /^tickers with bars\s+30\s+30\s+30\s+ok /m);
    assert.doesNotMatch(r.stdout, /^bars\s/m);
  });

  it('resumes an interrupted copy after the last ticker it committed', async () => {
    const url = await database!.freshSchemaUrl();
    assert.equal((await cli(['migrate', '--from', `sqlite:${source}`, '--to', url, '--json'])).code, 0);
    // As a copy stopped halfway leaves the target: its run unfinished, tickers after the last batch missing.
    const target = await PostgresStore.open(url);
    const symbols = await target.tickers.symbolsWithBars();
    const lastCommitted = symbols[9];
    for (const s of symbols.slice(10)) await target.bars.deleteTicker(s);
    const run = (await target.jobRuns.list({ kind: 'migrate' }))[0];
    await target.jobRuns.update(run.id, { status: 'running', metrics: { lastSymbol: lastCommitted } });
    await target.close();
    const resumed = await cli(['migrate', '--from', `sqlite:${source}`, '--to', url, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const r = JSON.parse(resumed.stdout) as MigrateResult;
    assert.equal(r.resumedAfter, lastCommitted);
    assert.equal(r.sections.find((s) => s.section === 'bars')!.copied, symbols.length - 10);
    assert.equal(r.verified, true);
  });

  it('tells a changed bar apart by its checksum', async () => {
    const url = await database!.freshSchemaUrl();
    assert.equal((await cli(['migrate', '--from', `sqlite:${source}`, '--to', url, '--json'])).code, 0);
    const from = await SqliteStore.open(source, { readOnly: true });
    const to = await PostgresStore.open(url);
    try {
      const [symbol] = await to.tickers.symbolsWithBars();
      const s = (await to.bars.read(symbol))!;
      s.close[5] += 0.01;
      await to.bars.writeTicker({ symbol, bars: s });
      const [x, y] = await Promise.all([storeChecksums(from), storeChecksums(to)]);
      assert.equal(x.bars.count, y.bars.count);
      assert.notEqual(x.bars.sha256, y.bars.sha256);
      assert.equal(x.quotes.sha256, y.quotes.sha256);
    } finally {
      await from.close();
      await to.close();
    }
  });

  it('refuses a store argument that is neither sqlite:PATH nor postgres://, naming it', async () => {
    const r = await cli(['migrate', '--from', source, '--to', 'mysql://h/db']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--from .*is not a store; expected sqlite:PATH or postgres:\/\//);
  });
});
