import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { LateForSlotError } from '../../src/sources/late-for-slot-error.js';
import { SourceError } from '../../src/sources/source.js';

/** What only the own transport decides: how it keeps, reuses, closes and limits its connections. */
describe('createSocketHttpGet connections', () => {
  let server: Server;
  let url = '';
  const sockets = new Set<Socket>();
  const open = () => [...sockets].filter((s) => !s.destroyed).length;
  before(async () => {
    server = createHttpServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/close') {
        res.writeHead(200, { connection: 'close', 'content-length': 2 });
        res.end('ok');
      } else if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part one, ');
        setTimeout(() => res.end('part two'), 5);
      } else if (path === '/slow') {
        setTimeout(() => res.end('slow'), 40);
      } else res.end('ok');
    });
    server.on('connection', (s) => sockets.add(s));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reads a chunked answer sent in pieces', async () => {
    const get = createSocketHttpGet({ timeoutMs: 2_000 });
    assert.equal(await (await get(`${url}/chunked`, {})).text(), 'part one, part two');
  });

  it('never opens more than maxSockets connections; the others wait for one to come free', async () => {
    sockets.clear();
    const get = createSocketHttpGet({ timeoutMs: 5_000, maxSockets: 2 });
    const bodies = await Promise.all(Array.from({ length: 6 }, async () => (await get(`${url}/slow`, {})).text()));
    assert.deepEqual(bodies, Array(6).fill('slow'));
    assert.equal(sockets.size, 2);
  });

  it('sends nothing when a new connection opens after the send-by time, and keeps that connection for the next request', async () => {
    sockets.clear();
    let requests = 0;
    const count = () => requests++;
    server.on('request', count);
    try {
      const get = createSocketHttpGet({ timeoutMs: 2_000 });
      // A slot already over: a connection that still has to open cannot carry the request inside it.
      await assert.rejects(get(`${url}/plain`, { sendBy: performance.now() - 1 }), (error: unknown) => {
        assert.ok(error instanceof LateForSlotError, String(error));
        assert.match(error.message, /not sent: it would have left \d+ ms after its rate-limit slot/);
        return true;
      });
      assert.equal(requests, 0, 'the server saw no request');
      // The connection it opened is open and idle: the next request inside its slot goes on it.
      assert.equal(await (await get(`${url}/plain`, { sendBy: performance.now() + 60_000 })).text(), 'ok');
      assert.equal(requests, 1);
      assert.equal(sockets.size, 1);
      // An open connection holds the slot too: a request past it is not sent, and the connection stays.
      await assert.rejects(get(`${url}/plain`, { sendBy: performance.now() - 1 }), LateForSlotError);
      assert.equal(requests, 1, 'the late request never reached the server');
      assert.equal(await (await get(`${url}/plain`, {})).text(), 'ok');
      assert.equal(requests, 2);
      assert.equal(sockets.size, 1, 'every request went on the one connection');
    } finally {
      server.off('request', count);
    }
  });

  it('opens a new connection after an answer that closes its own', async () => {
    sockets.clear();
    const get = createSocketHttpGet({ timeoutMs: 2_000 });
    assert.equal(await (await get(`${url}/close`, {})).text(), 'ok');
    assert.equal(await (await get(`${url}/plain`, {})).text(), 'ok');
    assert.equal(sockets.size, 2);
  });

  it('closes a connection left idle past its idle timeout', async () => {
    sockets.clear();
    const get = createSocketHttpGet({ timeoutMs: 2_000, idleTimeoutMs: 30 });
    await (await get(`${url}/plain`, {})).text();
    assert.equal(open(), 1);
    const [socket] = sockets;
    // Waits for the close itself; the bound only turns a connection that is never closed into a failure.
    const closed = await new Promise<boolean>((resolve) => {
      if (socket.destroyed) resolve(true);
      socket.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 10_000).unref();
    });
    assert.ok(closed, 'the idle connection was never closed');
    assert.equal(open(), 0);
  });

  it('sends a request again when the kept-alive connection was closed by the server while idle', async () => {
    sockets.clear();
    const get = createSocketHttpGet({ timeoutMs: 2_000 });
    await (await get(`${url}/plain`, {})).text();
    // The server drops the idle connection, as one does when its keep-alive timeout runs out.
    for (const s of sockets) s.destroy();
    assert.equal(await (await get(`${url}/plain`, {})).text(), 'ok');
    assert.equal(sockets.size, 2);
  });

  it('refuses a header value with a line break as bad-request, naming the header, and sends nothing', async () => {
    sockets.clear();
    const get = createSocketHttpGet({ timeoutMs: 2_000 });
    await assert.rejects(get(`${url}/plain`, { headers: { 'x-name': 'a\r\nx-injected: 1' } }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'bad-request');
      assert.match(e.message, /header "x-name" cannot be sent/);
      return true;
    });
    assert.equal(sockets.size, 0);
  });

  it('maps an answer that is not HTTP to network before the headers, naming what came', async () => {
    const raw = createTcpServer((s) => s.resume().end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const get = createSocketHttpGet({ timeoutMs: 2_000 });
      await assert.rejects(get(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/x`, {}), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, 'network');
        assert.match(e.message, /status line "SSH-2.0-OpenSSH_9.2" that is not HTTP/);
        return true;
      });
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('names only the cause when a connection never opened', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const get = createSocketHttpGet({ timeoutMs: 2_000 });
    await assert.rejects(get(`http://127.0.0.1:${port}/x`, {}), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'network');
      assert.match(
        e.message,
        new RegExp(`failed before the response headers \\(connect ECONNREFUSED 127.0.0.1:${port} `),
      );
      return true;
    });
  });

  it('reads an answer whose body runs until the server closes', async () => {
    const raw = createTcpServer((s) => {
      s.once('data', () => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'));
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const get = createSocketHttpGet({ timeoutMs: 2_000 });
      const r = await get(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/x`, {});
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'until the end');
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });
});
