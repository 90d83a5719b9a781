import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type FetchKit, openFetchKit, testSymbols } from '../fetch/fetch-test-kit.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

/**
 * Production pacing (1 s cool-downs doubling to 60 s, 500 ms backoff doubling to 30 s): against a source that
 * answers 429 to everything, these alone keep a run of 50 tickers waiting for most of an hour.
 */
const PRODUCTION_PACING = {
  retries: 5,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  adaptive: { cooldownMs: 1_000, maxCooldownMs: 60_000 },
};

describe('a source that answers 429 to everything', () => {
  let kit: FetchKit;
  before(async () => {
    kit = await openFetchKit();
  });
  after(() => kit.close());

  for (const retryAfterSeconds of [undefined, 30]) {
    const label = retryAfterSeconds === undefined ? 'without Retry-After' : `with Retry-After: ${retryAfterSeconds}`;
    it(`is given up after the no-progress limit (${label}): every ticker failed as rate-limited, the run finished`, {
      timeout: 60_000,
    }, async () => {
      kit.server.reset();
      kit.server.setKnobs({ faults: { rateLimited: 1 }, rateLimit: { perSecond: 1e6, retryAfterSeconds } });
      const symbols = testSymbols(50);
      const m = await kit.fetch(symbols, { ...PRODUCTION_PACING, noProgressLimitMs: 400 });
      kit.server.setKnobs({ faults: {}, rateLimit: null });
      assert.equal(m.tickers.fetched, 0);
      assert.equal(m.tickers.failed, 50);
      assert.equal(m.tickers.notRun, 0);
      assert.deepEqual(new Set(m.failed.map((f) => f.kind)), new Set(['rate-limited']));
      assert.match(m.gaveUp ?? '', /yahoo gave no answer but 429 Too Many Requests for \d+ s \(FETCH_GIVE_UP_AFTER\)/);
      // The first wave, and the few retries a cool-down let through: nothing like 50 tickers x 6 attempts.
      assert.ok(kit.server.stats().requests < 50, `${kit.server.stats().requests} requests`);
      assert.equal(await kit.store.bars.read('S0000'), null, 'nothing stored');
    });
  }

  it('is not given up while it answers: a run against a healthy source never meets the limit', async () => {
    kit.server.reset();
    const m = await kit.fetch(testSymbols(20, 500), { noProgressLimitMs: 60_000 });
    assert.equal(m.tickers.fetched, 20);
    assert.equal(m.gaveUp, undefined);
  });

  it('ends `marketdeck fetch` within FETCH_GIVE_UP_AFTER: exit 1, no quote phase, the job recorded failed with why', {
    timeout: 120_000,
  }, async () => {
    kit.server.reset();
    kit.server.setKnobs({ faults: { rateLimited: 1 }, faultPaths: ['chart', 'quote', 'crumb'] });
    const db = join(kit.dir, 'cli.db');
    const r = await runNodeChild(
      [cliEntry(), '--db', db, 'fetch', '--tickers', testSymbols(20, 700).join(','), '--json'],
      {
        YAHOO_BASE_URL: kit.server.url,
        MARKETDECK_DATA_DIR: join(kit.dir, 'data'),
        FETCH_GIVE_UP_AFTER: '1s',
        ENABLE_ALPHA_VANTAGE: 'false',
      },
    );
    kit.server.setKnobs({ faults: {}, faultPaths: ['chart', 'alphavantage'] });
    assert.equal(r.code, 1, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.tickers.failed, 20);
    assert.equal(m.quotes, undefined, 'no quote phase against a source that was given up');
    assert.equal(kit.server.stats().byPath.quote, undefined);
    assert.match(r.stderr, /gave no answer but 429 Too Many Requests for \d+ s \(FETCH_GIVE_UP_AFTER\)/);
    const store = await SqliteStore.open(db);
    try {
      const run = await store.jobRuns.get(m.runId);
      assert.equal(run?.status, 'failed');
      assert.match(run?.error ?? '', /20 of 20 tickers failed \(20 rate-limited\); yahoo gave no answer/);
    } finally {
      await store.close();
    }
  });
});
