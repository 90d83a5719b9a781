import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseRetryAfter } from '../../src/sources/fetch-body.js';
import { createFetchHttpGet, type HttpGet, maskUrl } from '../../src/sources/http-get.js';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { SourceError } from '../../src/sources/source.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';

/** Both transports keep one contract: the same statuses, headers, bodies and failure kinds. */
const transports: [string, (o: { timeoutMs: number }) => HttpGet][] = [
  ['createFetchHttpGet (global fetch)', createFetchHttpGet],
  ['createSocketHttpGet (own HTTP/1.1 connections)', createSocketHttpGet],
];

for (const [title, createGet] of transports)
  describe(title, () => {
    let server: MarketTestServer;
    before(async () => {
      server = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-12-31' });
    });
    after(() => server.close());

    const chartUrl = () => `${server.url}/v8/finance/chart/S0001?period1=0&period2=2000000000&interval=1d`;

    it('returns status, headers and the body of an answer, error statuses included', async () => {
      const get = createGet({ timeoutMs: 2_000 });
      const ok = await get(chartUrl(), {});
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('content-type') ?? '', /application\/json/);
      assert.ok((await ok.text()).startsWith('{"chart":{"result":[{'));
      const missing = await get(`${server.url}/v8/finance/chart/NONEXIST`, {});
      assert.equal(missing.status, 404);
    });

    it('sends a user agent unless the caller sets one', async () => {
      let seen = '';
      const echo = createServer((req, res) => {
        seen = req.headers['user-agent'] ?? '';
        res.end('ok');
      });
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`;
      try {
        await (await createGet({ timeoutMs: 2_000 })(url, {})).text();
        assert.match(seen, /marketdeck/);
        await (await createGet({ timeoutMs: 2_000 })(url, { headers: { 'user-agent': 'mine' } })).text();
        assert.equal(seen, 'mine');
      } finally {
        echo.closeAllConnections();
        await new Promise<void>((r) => echo.close(() => r()));
      }
    });

    it('maps a held response to timeout once the time is up', async () => {
      server.setKnobs({ faults: { stall: 1 }, stallMs: null });
      try {
        await assert.rejects(createGet({ timeoutMs: 100 })(chartUrl(), {}), (e: unknown) => {
          assert.ok(e instanceof SourceError);
          assert.equal(e.kind, 'timeout');
          assert.match(e.message, /timed out after 100 ms before the response headers/);
          return true;
        });
      } finally {
        server.setKnobs({ faults: {} });
      }
    });

    it('maps a reset connection to network and a refused one too', async () => {
      server.setKnobs({ faults: { reset: 1 } });
      try {
        await assert.rejects(
          createGet({ timeoutMs: 2_000 })(chartUrl(), {}),
          (e: unknown) => e instanceof SourceError && e.kind === 'network',
        );
      } finally {
        server.setKnobs({ faults: {} });
      }
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      await assert.rejects(createGet({ timeoutMs: 2_000 })(`http://127.0.0.1:${port}/`, {}), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, 'network');
        assert.match(e.message, /ECONNREFUSED/);
        return true;
      });
    });

    it('maps a body that breaks off after the headers to truncated, keeping the status', async () => {
      server.setKnobs({ faults: { truncated: 1 } });
      try {
        const response = await createGet({ timeoutMs: 2_000 })(chartUrl(), {});
        assert.equal(response.status, 200);
        await assert.rejects(response.text(), (e: unknown) => {
          assert.ok(e instanceof SourceError);
          assert.equal(e.kind, 'truncated');
          assert.equal(e.evidence.status, 200);
          return true;
        });
      } finally {
        server.setKnobs({ faults: {} });
      }
    });

    it('passes the caller abort on unchanged', async () => {
      const controller = new AbortController();
      controller.abort(new Error('run cancelled'));
      await assert.rejects(createGet({ timeoutMs: 2_000 })(chartUrl(), { signal: controller.signal }), /run cancelled/);
    });
  });

describe('evidence helpers', () => {
  it('masks credentials in URLs kept as evidence', () => {
    assert.equal(
      maskUrl('https://www.alphavantage.co/query?function=X&apikey=SECRET&symbol=IBM'),
      'https://www.alphavantage.co/query?function=X&apikey=***&symbol=IBM',
    );
    assert.equal(
      maskUrl('http://h/v7/finance/quote?symbols=A&crumb=abc'),
      'http://h/v7/finance/quote?symbols=A&crumb=***',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
