import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFetchHttpGet, type HttpGet } from '../../src/sources/http-get.js';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { redirectHop } from '../../src/sources/redirect-hop.js';
import { SourceError } from '../../src/sources/source.js';
import { YahooCrumbSession } from '../../src/sources/yahoo/yahoo-crumb-session.js';
import { runNodeChild } from '../support/run-node-child.js';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

/** A server that records what reached it; `redirects` maps a path to the Location it answers 302 with. */
async function startRecorder(redirects: Record<string, () => string> = {}) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    seen.push({ url: req.url ?? '', headers: req.headers });
    const to = redirects[path];
    if (to) {
      res.writeHead(302, { location: to() });
      res.end('moved');
    } else if (path === '/cookie') {
      res.setHeader('set-cookie', 'A3=session-secret; Path=/');
      res.end('page');
    } else res.end('landed');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const CREDENTIALS = { cookie: 'A3=session-secret', authorization: 'Bearer token-secret', 'x-api-key': 'key-secret' };

const transports: [string, (o: { timeoutMs: number }) => HttpGet][] = [
  ['createFetchHttpGet (global fetch)', createFetchHttpGet],
  ['createSocketHttpGet (own HTTP/1.1 connections)', createSocketHttpGet],
];

for (const [title, createGet] of transports)
  describe(`${title} on redirects`, () => {
    let home: Awaited<ReturnType<typeof startRecorder>>;
    let other: Awaited<ReturnType<typeof startRecorder>>;
    before(async () => {
      // Two ports of one host are two origins.
      other = await startRecorder();
      home = await startRecorder({
        '/away': () => `${other.url}/landing?crumb=crumb-secret&symbols=AAPL`,
        '/here': () => '/landing?crumb=crumb-secret',
        '/v1/test/getcrumb': () => `${other.url}/crumb`,
      });
    });
    after(async () => {
      await home.close();
      await other.close();
    });

    it('sends no cookie, authorization or marked credential header to another origin', async () => {
      const get = createGet({ timeoutMs: 2_000 });
      const r = await get(`${home.url}/away`, { headers: CREDENTIALS, credentialHeaders: ['X-Api-Key'] });
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'landed');
      const landed = other.seen.at(-1);
      assert.ok(landed);
      assert.equal(landed.headers.cookie, undefined);
      assert.equal(landed.headers.authorization, undefined);
      assert.equal(landed.headers['x-api-key'], undefined);
      assert.match(landed.headers['user-agent'] ?? '', /marketdeck/);
      // The crumb the Location echoed stays behind too; the rest of the query goes on.
      assert.equal(landed.url, '/landing?symbols=AAPL');
    });

    it('keeps the credentials on a redirect within the origin', async () => {
      const get = createGet({ timeoutMs: 2_000 });
      await (await get(`${home.url}/here`, { headers: CREDENTIALS })).text();
      const landed = home.seen.at(-1);
      assert.ok(landed);
      assert.equal(landed.url, '/landing?crumb=crumb-secret');
      assert.equal(landed.headers.cookie, CREDENTIALS.cookie);
      assert.equal(landed.headers.authorization, CREDENTIALS.authorization);
    });

    it('never sends the Yahoo session cookie to the host a crumb answer redirects to', async () => {
      const session = new YahooCrumbSession({
        httpGet: createGet({ timeoutMs: 2_000 }),
        baseUrl: home.url,
        cookieUrl: `${home.url}/cookie`,
      });
      const before = other.seen.length;
      // The other origin answers "landed", which reads as a crumb: the handshake completes through it.
      assert.deepEqual(await session.credentials(), { cookie: 'A3=session-secret', crumb: 'landed' });
      const asked = home.seen.at(-1);
      assert.equal(asked?.url, '/v1/test/getcrumb');
      assert.equal(asked?.headers.cookie, 'A3=session-secret');
      const landed = other.seen.slice(before);
      assert.equal(landed.length, 1);
      assert.equal(landed[0].url, '/crumb');
      assert.equal(landed[0].headers.cookie, undefined);
    });
  });

describe('redirectHop', () => {
  const from = new URL('https://query2.finance.yahoo.com/v1/test/getcrumb?crumb=abc');

  it('refuses https to plain http as insecure-redirect, final, naming the masked URLs', () => {
    assert.throws(
      () =>
        redirectHop(from, 'http://query2.finance.yahoo.com/v1/test/getcrumb?crumb=abc', 'https://q/x?crumb=***', 302),
      (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, 'insecure-redirect');
        assert.equal(e.retryable, false);
        assert.match(
          e.message,
          /redirected from https to plain http \(http:\/\/query2\.finance\.yahoo\.com\/v1\/test\/getcrumb\?crumb=\*\*\*\)/,
        );
        assert.doesNotMatch(e.message, /abc/);
        return true;
      },
    );
  });

  it('tells another origin by scheme, host and port, and keeps a same-origin target whole', () => {
    assert.equal(redirectHop(from, '/v7/finance/quote?crumb=abc', 'u', 302).crossOrigin, false);
    assert.equal(redirectHop(from, '/v7/finance/quote?crumb=abc', 'u', 302).target.search, '?crumb=abc');
    assert.equal(redirectHop(from, 'https://query2.finance.yahoo.com:443/x', 'u', 302).crossOrigin, false);
    assert.equal(redirectHop(from, 'https://query2.finance.yahoo.com:8443/x', 'u', 302).crossOrigin, true);
    assert.equal(redirectHop(from, 'https://query1.finance.yahoo.com/x', 'u', 302).crossOrigin, true);
    const away = redirectHop(from, 'https://elsewhere.example/x?apikey=k&Token=t&a=1', 'u', 302);
    assert.equal(away.target.href, 'https://elsewhere.example/x?a=1');
  });

  it('names a Location that is not a URL without its credentials', () => {
    assert.throws(
      () => redirectHop(new URL('http://h/'), 'http://[bad/x?crumb=abc', 'http://h/', 302),
      /redirected to "http:\/\/\[bad\/x\?crumb=\*\*\*", which is not a URL/,
    );
  });
});

/** A certificate for 127.0.0.1 made now, or null when openssl is not there to make one. */
function selfSignedCertificate(dir: string): { key: string; cert: string; certFile: string } | null {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  if (made.status !== 0) return null;
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/**
 * Run in a child that trusts the test certificate (NODE_EXTRA_CA_CERTS is read at start-up only): both
 * transports ask the https server for an answer and for a redirect to plain http, and print what came back.
 */
const CHILD = `
const [httpGet, socket] = await Promise.all([
  import(process.env.HTTP_GET_MODULE),
  import(process.env.SOCKET_HTTP_GET_MODULE),
]);
const out = {};
for (const [name, create] of [['fetch', httpGet.createFetchHttpGet], ['socket', socket.createSocketHttpGet]]) {
  const get = create({ timeoutMs: 5000 });
  const ok = await get(process.env.BASE + '/ok', {});
  const text = await ok.text();
  const down = await get(process.env.BASE + '/down', { headers: { cookie: 'A3=session-secret' } }).then(
    (r) => ({ status: r.status }),
    (e) => ({ kind: e.kind, message: e.message }),
  );
  out[name] = { ok: text, down };
}
process.stdout.write(JSON.stringify(out));
`;

describe('both transports on a redirect from https to plain http', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-tls-test-'));
  const certificate = selfSignedCertificate(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuse it as insecure-redirect and never reach the plain http server', {
    skip: certificate === null ? 'openssl is not available to make a test certificate' : false,
  }, async () => {
    if (certificate === null) return;
    const plain = await startRecorder();
    const secure = createTlsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
      if (req.url === '/ok') res.end('secure');
      else {
        res.writeHead(302, { location: `${plain.url}/landing` });
        res.end();
      }
    });
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    try {
      const run = await runNodeChild(['--input-type=module', '-e', CHILD], {
        NODE_EXTRA_CA_CERTS: certificate.certFile,
        BASE: `https://127.0.0.1:${(secure.address() as AddressInfo).port}`,
        HTTP_GET_MODULE: new URL('../../src/sources/http-get.js', import.meta.url).href,
        SOCKET_HTTP_GET_MODULE: new URL('../../src/sources/http1/create-socket-http-get.js', import.meta.url).href,
      });
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      for (const name of ['fetch', 'socket']) {
        // The certificate is trusted: what fails is the redirect, not the TLS connection.
        assert.equal(out[name].ok, 'secure', name);
        assert.equal(out[name].down.kind, 'insecure-redirect', `${name}: ${JSON.stringify(out[name].down)}`);
        assert.match(out[name].down.message, /redirected from https to plain http/);
      }
      assert.equal(plain.seen.length, 0);
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((r) => secure.close(() => r()));
      await plain.close();
    }
  });
});
