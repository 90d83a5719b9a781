import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, startTestServer, type TestServer } from './server-test-kit.js';

describe('GET /api/jobs and partial runs', () => {
  let t: TestServer;
  before(async () => {
    // A fetch step whose tickers partly failed: the update is recorded partial, not succeeded.
    t = await startTestServer({
      runFetch: async () => ({
        partial: { message: '1 of 2 tickers failed', failed: [{ item: 'NOPE', kind: 'not-found', reason: '404' }] },
      }),
    });
  });
  after(() => t.close());

  it('lists a partial update under status=partial with its failed tickers', async () => {
    const run = await (await t.runtime.queue.enqueue('update', {})).done;
    assert.equal(run.status, 'partial', run.error ?? '');
    const r = await getJson(t.base, '/api/jobs?status=partial');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const found = r.body.recent.find((j: { id: string }) => j.id === run.id);
    assert.equal(found?.status, 'partial');
    assert.match(found?.error ?? '', /fetch: 1 of 2 tickers failed/);
  });
});
