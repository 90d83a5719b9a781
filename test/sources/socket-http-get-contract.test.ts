import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { SourceError } from '../../src/sources/source.js';

const BODY = JSON.stringify({ chart: { result: [{ timestamp: Array.from({ length: 400 }, (_, i) => i) }] } });

/** A local server whose routes each misbehave in one way; it counts requests and the connections they came on. */
async function startServer(): Promise<{ url: string; server: Server; requests: number; sockets: Set<Socket> }> {
  const state = { url: '', server: null as unknown as Server, requests: 0, sockets: new Set<Socket>() };
  let resetArmed = false;
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/plain': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(BODY);
    },
    '/gzip': (_req, res) => sendEncoded(res, 'gzip', gzipSync(BODY)),
    '/deflate': (_req, res) => sendEncoded(res, 'deflate', deflateSync(BODY)),
    '/raw-deflate': (_req, res) => sendEncoded(res, 'deflate', deflateRawSync(BODY)),
    '/br': (_req, res) => sendEncoded(res, 'br', brotliCompressSync(BODY)),
    '/zstd': (_req, res) => sendEncoded(res, 'zstd', Buffer.from(BODY)),
    '/gzip-empty': (_req, res) => {
      res.writeHead(204, { 'content-encoding': 'gzip' });
      res.end();
    },
    '/gzip-cut': (req, res) => {
      const packed = gzipSync(BODY);
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': packed.length });
      res.write(packed.subarray(0, packed.length >> 1));
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    },
    // Headers with the full length, half the body, then a TCP reset.
    '/reset-mid-body': (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
      res.write(BODY.slice(0, BODY.length >> 1));
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    },
    // Headers and part of the body, then nothing more: the rest never comes.
    '/stall-mid-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
      res.write(BODY.slice(0, 10));
    },
    '/stall': () => {},
    '/redirect': (_req, res) => {
      res.writeHead(302, { location: '/plain' });
      res.end('moved');
    },
    '/loop': (_req, res) => {
      res.writeHead(301, { location: '/loop' });
      res.end();
    },
    '/cookies': (_req, res) => {
      res.setHeader('set-cookie', ['A3=one; Path=/', 'B=two; HttpOnly']);
      res.end('ok');
    },
    '/echo': (req, res) => res.end(JSON.stringify(req.headers)),
    '/bom': (_req, res) => res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])),
    // The first call arms it; the next request on the kept-alive connection is reset before any answer.
    '/arm-reset': (_req, res) => {
      resetArmed = true;
      res.end('armed');
    },
  };
  const server = createServer((req, res) => {
    state.requests++;
    state.sockets.add(req.socket);
    if (resetArmed) {
      resetArmed = false;
      req.socket.resetAndDestroy();
      return;
    }
    const route = routes[(req.url ?? '').split('?')[0]];
    if (route) route(req, res);
    else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.server = server;
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function sendEncoded(res: ServerResponse, coding: string, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': body.length });
  res.end(body);
}

function isSourceError(kind: string, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SourceError, `expected a SourceError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

/** The HttpGet contract the sources rely on, down to the messages, as the default transport keeps it. */
describe('createSocketHttpGet', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    s.server.closeAllConnections();
    await new Promise<void>((r) => s.server.close(() => r()));
  });

  const get = createSocketHttpGet({ timeoutMs: 2_000 });

  it('sends requests one after another over one kept-alive connection', async () => {
    const own = createSocketHttpGet({ timeoutMs: 2_000 });
    const before = new Set(s.sockets);
    for (let i = 0; i < 5; i++) assert.equal(await (await own(`${s.url}/plain`, {})).text(), BODY);
    const used = [...s.sockets].filter((x) => !before.has(x));
    assert.equal(used.length, 1);
  });

  it('asks for compressed bodies and decodes gzip, deflate (zlib and raw) and br', async () => {
    const headers = JSON.parse(await (await get(`${s.url}/echo`, {})).text());
    assert.equal(headers['accept-encoding'], 'gzip, deflate, br');
    assert.match(headers['user-agent'], /marketdeck/);
    for (const path of ['/gzip', '/deflate', '/raw-deflate', '/br']) {
      const r = await get(`${s.url}${path}`, {});
      assert.equal(r.headers.get('content-encoding') !== null, true, path);
      assert.equal(await r.text(), BODY, path);
    }
  });

  it('reads an empty body as empty whatever Content-Encoding it is labelled with', async () => {
    const r = await get(`${s.url}/gzip-empty`, {});
    assert.equal(r.status, 204);
    assert.equal(await r.text(), '');
  });

  it('lets the caller replace any default header, whatever its case', async () => {
    const headers = JSON.parse(
      await (await get(`${s.url}/echo`, { headers: { 'User-Agent': 'mine', 'Accept-Encoding': 'identity' } })).text(),
    );
    assert.equal(headers['user-agent'], 'mine');
    assert.equal(headers['accept-encoding'], 'identity');
  });

  it('refuses a Content-Encoding it cannot decode as malformed, naming it', async () => {
    const r = await get(`${s.url}/zstd`, {});
    await assert.rejects(r.text(), isSourceError('malformed', /Content-Encoding "zstd" is not supported/));
  });

  it('maps a gzip body cut short by a reset to truncated', async () => {
    const r = await get(`${s.url}/gzip-cut`, {});
    assert.equal(r.status, 200);
    await assert.rejects(r.text(), isSourceError('truncated', /broke off before its end/));
  });

  it('maps a connection reset in the middle of the body to truncated, keeping the status', async () => {
    const r = await get(`${s.url}/reset-mid-body`, {});
    assert.equal(r.status, 200);
    await assert.rejects(r.text(), (e: unknown) => {
      isSourceError('truncated', /the body broke off before its end/)(e);
      assert.equal((e as SourceError).evidence.status, 200);
      return true;
    });
  });

  it('maps a server that never answers to timeout before the response headers', async () => {
    await assert.rejects(
      createSocketHttpGet({ timeoutMs: 100 })(`${s.url}/stall`, {}),
      isSourceError('timeout', /timed out after 100 ms before the response headers/),
    );
  });

  it('maps a body that stops coming to timeout while reading the body', async () => {
    const r = await createSocketHttpGet({ timeoutMs: 150 })(`${s.url}/stall-mid-body`, {});
    assert.equal(r.status, 200);
    await assert.rejects(r.text(), isSourceError('timeout', /timed out after 150 ms while reading the body/));
  });

  it('sends a request again on a new connection when the kept-alive one was reset before any answer', async () => {
    const own = createSocketHttpGet({ timeoutMs: 2_000 });
    await (await own(`${s.url}/arm-reset`, {})).text();
    const seen = s.requests;
    const r = await own(`${s.url}/plain`, {});
    assert.equal(await r.text(), BODY);
    // The reset attempt and the one that was answered.
    assert.equal(s.requests - seen, 2);
  });

  it('follows redirects and gives up on a loop as network', async () => {
    const r = await get(`${s.url}/redirect`, {});
    assert.equal(r.status, 200);
    assert.equal(await r.text(), BODY);
    await assert.rejects(
      createSocketHttpGet({ timeoutMs: 2_000, maxRedirects: 3 })(`${s.url}/loop`, {}),
      isSourceError('network', /redirected more than 3 times/),
    );
  });

  it('gives every Set-Cookie header separately and joins other repeated headers', async () => {
    const r = await get(`${s.url}/cookies`, {});
    await r.text();
    assert.deepEqual(r.headers.getSetCookie?.(), ['A3=one; Path=/', 'B=two; HttpOnly']);
    assert.equal(r.headers.get('Set-Cookie'), 'A3=one; Path=/, B=two; HttpOnly');
    assert.equal(r.headers.get('x-absent'), null);
  });

  it('drops a leading byte-order mark as fetch does', async () => {
    assert.equal(await (await get(`${s.url}/bom`, {})).text(), '{"a":1}');
  });

  it('passes an abort of the caller during the body on unchanged', async () => {
    const controller = new AbortController();
    const r = await get(`${s.url}/stall-mid-body`, { signal: controller.signal });
    controller.abort(new Error('run cancelled'));
    await assert.rejects(r.text(), /run cancelled/);
  });

  it('aborts every request that shares the caller signal, and only the ones still waiting', async () => {
    const controller = new AbortController();
    const done = await get(`${s.url}/plain`, { signal: controller.signal });
    const waiting = Array.from({ length: 12 }, () => get(`${s.url}/stall`, { signal: controller.signal }));
    controller.abort(new Error('run cancelled'));
    for (const w of waiting) await assert.rejects(w, /run cancelled/);
    assert.equal(await done.text(), BODY);
  });

  it('refuses a URL that is not http or https as network, naming the protocol', async () => {
    await assert.rejects(get('ftp://127.0.0.1/x', {}), isSourceError('network', /protocol "ftp:" is not supported/));
  });

  it('refuses a maxSockets that is not a whole number >= 1', () => {
    assert.throws(() => createSocketHttpGet({ timeoutMs: 1_000, maxSockets: 0 }), /maxSockets 0 is not valid/);
  });
});
