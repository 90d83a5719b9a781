import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { type DashboardServer, startDashboardServer } from '../../src/server/start-dashboard-server.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';
import { type HostileSourceServer, startHostileSourceServer } from '../support/hostile-source-server.js';
import { getJson, openEventStream, postJson } from './server-test-kit.js';

/** `marketdeck serve` as it runs, its Yahoo pointed at a source whose every answer is a flood. */
describe('a fetch job POSTed to the server against a source that floods it', () => {
  let hostile: HostileSourceServer;
  let server: DashboardServer;
  let base: string;
  let dispose: () => Promise<void>;
  before(async () => {
    hostile = await startHostileSourceServer({ bombBytes: 100 * 1024 * 1024, hugeBytes: 600 * 1024 * 1024 });
    const temp = await openTempStore();
    dispose = temp.dispose;
    const config = loadConfig({
      env: {},
      overrides: {
        yahooBaseUrl: hostile.url,
        fetchMaxBodyBytes: 1024 * 1024,
        fetchTimeoutMs: 20_000,
        port: 0,
        precomputeCron: '',
        updateCron: '',
      },
    });
    server = await startDashboardServer({ store: temp.store, config });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.stop();
    await dispose();
    await hostile.close();
  });

  it('fails the job naming too-large for each ticker, and the server keeps answering', async () => {
    const stream = await openEventStream(base);
    try {
      const posted = await postJson(base, '/api/jobs', {
        kind: 'fetch',
        params: { tickers: ['BOMB', 'HUGE', 'ENDLESS'], quotes: false },
      });
      assert.equal(posted.status, 202);
      const id = posted.body.id;
      await stream.until((e) => e.event === 'finished' && e.data.run.id === id);
      const run = (await getJson(base, `/api/jobs/${id}`)).body;
      assert.equal(run.status, 'failed', JSON.stringify(run));
      // Each flood failed its own ticker, none was retried into a timeout, and the error quotes no body.
      assert.match(run.error, /3 of 3 tickers failed \(3 too-large\)/);
      assert.match(run.error, /larger than the limit of 1048576 bytes/);
      assert.doesNotMatch(run.error, /xxxx/);
      assert.equal((await getJson(base, '/healthz')).status, 200);
    } finally {
      stream.close();
    }
  });
});
