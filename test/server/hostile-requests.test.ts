import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig, parseBindHost } from '../../src/config/index.js';
import { startServer } from '../../src/server/start-server.js';
import { readSymbolTable } from '../../src/sources/csv/read-symbol-table.js';
import { getJson, openEventStream, startTestServer, type TestServer } from './server-test-kit.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with headers a browser page could make a browser send (or a rebound name's Host). */
function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('requests a page on another site can make the browser send', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ settings: { allowedHosts: 'dash.example.org' } });
  });
  after(() => t.close());

  const jobsQueued = async () => (await t.runtime.queue.list({ limit: 100 })).filter((r) => r.kind !== 'precompute');

  it('refuses a text/plain POST (a "simple" cross-site request) and queues nothing', async () => {
    const before = (await jobsQueued()).length;
    const r = await raw(t.base, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example' },
      body: '{"kind":"analyze","params":{}}',
    });
    assert.equal(r.status, 415);
    assert.equal(JSON.parse(r.body).error.code, 'MD_ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.equal((await jobsQueued()).length, before);
  });

  it('refuses a form POST to /api/refresh', async () => {
    const r = await raw(t.base, '/api/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    assert.equal(r.status, 415);
  });

  it('refuses JSON from a foreign Origin, a null Origin and a cross-site fetch', async () => {
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://localhost:1${t.server.port}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const r = await raw(t.base, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"kind":"analyze"}',
      });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(JSON.parse(r.body).error.code, 'MD_ERR_CROSS_ORIGIN');
    }
  });

  it("takes JSON from the server's own origin and from a client that is not a browser", async () => {
    const own = await raw(t.base, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.base, 'sec-fetch-site': 'same-origin' },
      body: '{"kind":"precompute"}',
    });
    assert.equal(own.status, 202);
    const cli = await raw(t.base, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"kind":"precompute"}',
    });
    assert.equal(cli.status, 202);
  });

  it('answers no request whose Host is a rebound name, whatever the path', async () => {
    const id = (await t.runtime.queue.list({ limit: 1 }))[0].id;
    for (const path of ['/api/status', `/api/jobs/${id}`, '/healthz', '/']) {
      const r = await raw(t.base, path, { headers: { host: `evil.example:${t.server.port}` } });
      assert.equal(r.status, 421, path);
      assert.equal(JSON.parse(r.body).error.code, 'MD_ERR_BAD_HOST');
      assert.doesNotMatch(r.body, /dash\.example\.org/, 'the accepted names are not told');
    }
  });

  it('answers its bind address, localhost and ALLOWED_HOSTS', async () => {
    for (const host of [`127.0.0.1:${t.server.port}`, `localhost:${t.server.port}`, 'dash.example.org', 'LOCALHOST']) {
      const r = await raw(t.base, '/healthz', { headers: { host } });
      assert.equal(r.status, 200, host);
    }
  });

  it('sends the security headers on answers and errors, and no CORS grant', async () => {
    for (const path of ['/api/status', '/api/nothing']) {
      const r = await raw(t.base, path, { headers: { origin: 'http://evil.example' } });
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
    const preflight = await raw(t.base, '/api/jobs', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.notEqual(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });
});

describe('universes named over HTTP', () => {
  let t: TestServer;
  let dir: string;
  let outside: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-universes-'));
    outside = mkdtempSync(join(tmpdir(), 'md-outside-'));
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'lists', 'mine.txt'), 'AAPL\nMSFT\n');
    writeFileSync(join(outside, 'secret.txt'), 'API_TOKEN=hunter2-very-secret\n');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
    t = await startTestServer({ settings: { universeDir: dir } });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const post = (universe: string) =>
    getJson(t.base, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'analyze', params: { universe } }),
    });

  it('refuses a file outside UNIVERSE_DIR, a device, a traversal and a symlink out, reading none of them', async () => {
    const queued = (await t.runtime.queue.list({ limit: 100 })).length;
    for (const spec of [
      'file:/proc/self/environ',
      'file:/dev/zero',
      `file:${join(outside, 'secret.txt')}`,
      'file:../etc/passwd',
      'file:lists/../../etc/passwd',
      'file:link.txt',
      'file:lists',
    ]) {
      const r = await post(spec);
      assert.equal(r.status, 400, spec);
      assert.equal(r.body.error.code, 'MD_ERR_BAD_BODY');
      assert.doesNotMatch(JSON.stringify(r.body), /hunter2|PATH=|HOME=/);
    }
    assert.equal((await t.runtime.queue.list({ limit: 100 })).length, queued, 'no job was queued');
  });

  it('takes a symbol file inside UNIVERSE_DIR, as its real path', async () => {
    const r = await post('file:lists/mine.txt');
    assert.equal(r.status, 202);
    assert.equal(r.body.run.params.universe, `file:${join(dir, 'lists', 'mine.txt')}`);
  });

  it('refuses every file when UNIVERSE_DIR is not set', async () => {
    const plain = await startTestServer();
    try {
      const r = await getJson(plain.base, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'fetch', params: { universe: 'file:/etc/hostname' } }),
      });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /UNIVERSE_DIR/);
    } finally {
      await plain.close();
    }
  });

  it('refuses params a job kind does not take, naming them', async () => {
    const r = await getJson(t.base, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'analyze', params: { universe: 'cached', dbPath: '/tmp/x' } }),
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /dbPath/);
  });
});

describe('reading a symbol file', () => {
  it('refuses a device at once instead of reading it without end', async () => {
    await assert.rejects(readSymbolTable('/dev/zero'), /not a regular file/);
  });

  it('never quotes the content of a line it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-symfile-'));
    try {
      const file = join(dir, 'env.txt');
      writeFileSync(file, 'LLM_API_KEY=sk-abcdef0123456789\n');
      await assert.rejects(readSymbolTable(file), (error: Error) => {
        assert.match(error.message, /env\.txt:1: not a ticker symbol/);
        assert.doesNotMatch(error.message, /sk-abcdef/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets in job records', () => {
  it('masks API_TOKEN in a job error stored and answered', async () => {
    const token = 'tok-4f9a8e7d6c5b';
    const t = await startTestServer({
      settings: { apiToken: token },
      runFetch: async () => {
        throw new Error(`source answered 500 for https://x.example/?token=${token}`);
      },
    });
    try {
      const r = await getJson(t.base, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ kind: 'fetch', params: {} }),
      });
      assert.equal(r.status, 202);
      const run = await (await t.runtime.queue.enqueue('fetch', {})).done;
      assert.equal(run.status, 'failed');
      const answered = await getJson(t.base, `/api/jobs/${r.body.id}`);
      assert.match(answered.body.error, /\*\*\*/);
      assert.doesNotMatch(JSON.stringify(answered.body), new RegExp(token));
      const stored = await t.store.jobRuns.get(r.body.id);
      assert.doesNotMatch(stored?.error ?? '', new RegExp(token));
    } finally {
      await t.close();
    }
  });
});

describe('slow and idle clients', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ settings: { serverMaxEventStreams: 2 } });
  });
  after(() => t.close());

  /** Sends `text` on a fresh connection to a server with 0.5 s limits; resolves with all it answered by the close. */
  const exchange = async (text: string): Promise<string> => {
    const server = await startServer(t.app, '127.0.0.1', 0, {
      headersTimeoutMs: 500,
      bodyTimeoutMs: 500,
      maxConnections: 10,
    });
    try {
      return await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.write(text));
        let got = '';
        socket.setEncoding('utf8');
        socket.on('data', (c: string) => (got += c));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
    } finally {
      await server.close();
    }
  };

  it('closes a connection whose headers never finish', async () => {
    const answer = await exchange('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('closes a connection whose body stops coming', async () => {
    const answer = await exchange(
      'POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ki',
    );
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('answers 503 to an event stream past SERVER_MAX_EVENT_STREAMS', async () => {
    const a = await openEventStream(t.base);
    const b = await openEventStream(t.base);
    try {
      const third = await getJson(t.base, '/api/events');
      assert.equal(third.status, 503);
      assert.equal(third.body.error.code, 'MD_ERR_TOO_MANY_STREAMS');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('the bind address', () => {
  it('is parsed once: brackets come off an IPv6 literal, white space and ports are refused', () => {
    assert.equal(parseBindHost('[::1]'), '::1');
    assert.equal(parseBindHost('::1'), '::1');
    assert.equal(parseBindHost('LocalHost'), 'localhost');
    for (const bad of ['127.0.0.1 ', ' 127.0.0.1', '127.0.0.1:8080', 'http://127.0.0.1', '[127.0.0.1]', '', 'a b']) {
      assert.equal(parseBindHost(bad), null, JSON.stringify(bad));
    }
  });

  it('stops the configuration on a HOST that would pass the loopback check and then fail to bind', () => {
    assert.throws(() => loadConfig({ env: { HOST: '127.0.0.1 ' } }), ConfigError);
    assert.equal(loadConfig({ env: { HOST: '[::1]' } }).host, '::1');
  });
});
