import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createFetchHttpGet, type HttpGet } from '../../src/sources/http-get.js';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { SourceError } from '../../src/sources/source.js';
import { type HostileSourceServer, startHostileSourceServer } from '../support/hostile-source-server.js';

const LIMIT = 1024 * 1024;
/** A client that stops at the limit has read it and what the sockets between held, never the flood. */
const MOST_SENT = 16 * 1024 * 1024;

const transports: [string, (o: { timeoutMs: number; maxBodyBytes?: number }) => HttpGet][] = [
  ['createFetchHttpGet (global fetch)', createFetchHttpGet],
  ['createSocketHttpGet (own HTTP/1.1 connections)', createSocketHttpGet],
];

function isTooLarge(how: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SourceError, `expected a SourceError, got ${String(e)}`);
    assert.equal(e.kind, 'too-large', e.message);
    assert.equal(e.retryable, false);
    assert.match(e.message, new RegExp(`larger than the limit of ${LIMIT} bytes`));
    assert.match(e.message, how);
    // The masked URL is named; the credential in it and the body are not.
    assert.match(e.message, /crumb=\*\*\*/);
    assert.doesNotMatch(e.message, /SECRET|xxxx/);
    return true;
  };
}

for (const [title, createGet] of transports)
  describe(`${title} against a source that floods it`, () => {
    let s: HostileSourceServer;
    before(async () => {
      s = await startHostileSourceServer({ bombBytes: 100 * 1024 * 1024, hugeBytes: 600 * 1024 * 1024 });
    });
    after(() => s.close());

    // A timeout long enough that reading the flood to the end would finish first if nothing stopped it.
    const get = () => createGet({ timeoutMs: 20_000, maxBodyBytes: LIMIT });

    it('fails a gzip bomb as too-large once its decoded size passes the limit', async () => {
      assert.ok(s.bombSize < LIMIT, `the bomb itself (${s.bombSize} bytes) is under the limit`);
      const r = await get()(`${s.url}/bomb/chart?crumb=SECRET`, {});
      assert.equal(r.status, 200);
      await assert.rejects(r.text(), isTooLarge(/decoded from gzip/));
    });

    it('refuses a body whose Content-Length is past the limit before reading it', async () => {
      const over = s.over('huge');
      await assert.rejects(get()(`${s.url}/huge/chart?crumb=SECRET`, {}), isTooLarge(/Content-Length 629145600/));
      const sent = await over;
      assert.ok(sent < MOST_SENT, `the server wrote ${sent} bytes before the client closed the connection`);
    });

    it('fails an endless chunked body as too-large and stops reading it', async () => {
      const over = s.over('endless');
      const r = await get()(`${s.url}/endless/chart?crumb=SECRET`, {});
      assert.equal(r.status, 200);
      await assert.rejects(r.text(), isTooLarge(/received/));
      const sent = await over;
      assert.ok(sent > LIMIT, `the server wrote ${sent} bytes`);
      assert.ok(sent < MOST_SENT, `the server wrote ${sent} bytes before the client closed the connection`);
    });

    it('reads a body of exactly the limit and refuses one byte more', async () => {
      const exact = createServer((req, res) => {
        const size = Number((req.url ?? '').slice(1).split('?')[0]);
        res.writeHead(200, { 'content-type': 'application/json' });
        // Chunked, so only the count as it arrives can tell.
        res.write('x'.repeat(size - 1));
        res.end('y');
      });
      await new Promise<void>((r) => exact.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(exact.address() as AddressInfo).port}`;
      try {
        const text = await (await get()(`${base}/${LIMIT}`, {})).text();
        assert.equal(text.length, LIMIT);
        const r = await get()(`${base}/${LIMIT + 1}?crumb=SECRET`, {});
        await assert.rejects(r.text(), isTooLarge(/received/));
      } finally {
        exact.closeAllConnections();
        await new Promise<void>((r) => exact.close(() => r()));
      }
    });

    it('reads a 304 whose Content-Length past the limit describes no body', async () => {
      const notModified = createServer((_req, res) => {
        res.writeHead(304, { 'content-length': String(600 * 1024 * 1024) });
        res.end();
      });
      await new Promise<void>((r) => notModified.listen(0, '127.0.0.1', r));
      try {
        const r = await get()(`http://127.0.0.1:${(notModified.address() as AddressInfo).port}/`, {});
        assert.equal(r.status, 304);
        assert.equal(await r.text(), '');
      } finally {
        notModified.closeAllConnections();
        await new Promise<void>((r) => notModified.close(() => r()));
      }
    });

    it('still answers the next request after a flood', async () => {
      const r = await get()(`${s.url}/bomb/chart`, {});
      await assert.rejects(r.text(), (e: unknown) => e instanceof SourceError && e.kind === 'too-large');
      const missing = await get()(`${s.url}/nothing`, {});
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), 'unknown path');
    });

    it('refuses a limit that is not a whole number of bytes a string can hold', () => {
      assert.throws(() => createGet({ timeoutMs: 1_000, maxBodyBytes: 0 }), /maxBodyBytes 0 is not valid/);
      assert.throws(
        () => createGet({ timeoutMs: 1_000, maxBodyBytes: 2 ** 31 }),
        /maxBodyBytes 2147483648 is not valid/,
      );
    });
  });
