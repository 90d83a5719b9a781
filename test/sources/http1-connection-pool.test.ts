import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Http1ConnectionPool } from '../../src/sources/http1/http1-connection-pool.js';
import type { Http1ProtocolError } from '../../src/sources/http1/http1-response-reader.js';

describe('Http1ConnectionPool connect timeout', () => {
  let server: net.Server;
  let port: number;
  const held: net.Socket[] = [];

  before(async () => {
    // Accepts the TCP connection and never says a word: a TLS handshake to it never completes.
    server = net.createServer((socket) => {
      held.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails a connection not open within connectTimeoutMs as ETIMEDOUT, naming the origin', {
    timeout: 20_000,
  }, async () => {
    const pool = new Http1ConnectionPool({ maxSockets: 4, idleTimeoutMs: 1_000, connectTimeoutMs: 50 });
    const error = await new Promise<Http1ProtocolError>((resolve, reject) => {
      pool.take(new URL(`https://127.0.0.1:${port}/v8/finance/chart/AAPL`), (connection) => {
        connection.request('GET / HTTP/1.1\r\nhost: x\r\n\r\n', {
          head: () => reject(new Error('no answer was expected')),
          data: () => {},
          end: () => reject(new Error('no answer was expected')),
          error: resolve,
        });
      });
    });
    assert.match(error.message, /connect ETIMEDOUT https:\/\/127\.0\.0\.1:\d+ \(not open within 50 ms\) \[ETIMEDOUT\]/);
    assert.equal(error.answered, false);
  });
});
