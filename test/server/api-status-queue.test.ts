import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { getJson, startTestServer, type TestServer } from './server-test-kit.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('GET /api/status with a shared queue', { skip }, () => {
  const redis = testRedisPrefix('api-status');
  let t: TestServer;
  let refused: TestServer;
  before(async () => {
    // No worker runs: the status must answer without one, and nothing is queued.
    t = await startTestServer({
      settings: { redisUrl: TEST_REDIS_URL, queuePrefix: redis.prefix, yahooRatePerSecond: 7 },
      precompute: false,
    });
    const url = new URL(TEST_REDIS_URL);
    url.username = 'marketdeck-nobody';
    url.password = 'hunter2-secret';
    refused = await startTestServer({ settings: { redisUrl: url.href, queuePrefix: redis.prefix }, precompute: false });
  });
  after(async () => {
    await t?.close();
    await refused?.close();
    await redis.cleanup();
  });

  it('carries the queue section `status --json` prints: workers, parts and the shared limits', async () => {
    const r = await getJson(t.base, '/api/status');
    assert.equal(r.status, 200);
    assert.equal(r.body.queue.prefix, redis.prefix);
    assert.equal(r.body.queue.workers, 0);
    assert.equal(typeof r.body.queue.parts.waiting, 'number');
    assert.equal(r.body.queue.analysisChunks.waiting, 0, 'analysis chunks are counted apart from the parts');
    const yahoo = r.body.queue.rateLimits.find((l: { source: string }) => l.source === 'yahoo');
    assert.deepEqual(yahoo.windows, [{ window: 'perSecond', limit: 7, used: 0 }]);
    assert.ok(typeof r.body.tickers === 'number', 'the rest of the status is there too');
  });

  it('answers with the queue error, the password masked, when Redis refuses the login', async () => {
    const r = await getJson(refused.base, '/api/status');
    assert.equal(r.status, 200);
    assert.match(r.body.queue.error, /\(REDIS_URL\) is not usable: WRONGPASS/);
    assert.doesNotMatch(JSON.stringify(r.body), /hunter2-secret/);
  });
});
