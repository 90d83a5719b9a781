import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { screenerCsv } from '../../src/server/screener-csv.js';
import { getJson, postJson, startTestServer, type TestServer } from './server-test-kit.js';

/** 300 weekdays of AAPL with a close that steps by 0.25 from 100, so every value is known. */
async function seedBars(t: TestServer): Promise<void> {
  const bars = [];
  let day = dayFromIso('2020-01-06');
  for (let i = 0; i < 300; i++) {
    while ((day + 4) % 7 >= 5) day++; // epoch day 0 was a Thursday: skip Saturdays and Sundays
    const close = 100 + i * 0.25;
    bars.push({
      date: day,
      open: close - 1,
      high: close + 1,
      low: close - 2,
      close,
      adjClose: close,
      volume: 1000 + i,
    });
    day++;
  }
  await t.store.bars.writeTicker({
    symbol: 'AAPL',
    bars: barSeriesFromBars('AAPL', bars),
    dividends: [{ date: bars[10].date, amount: 0.5 }],
  });
}

describe('GET /api/ticker/:symbol/bars', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await seedBars(t);
  });
  after(() => t.close());

  it('answers the columnar bars with indicators aligned to dates, and the ticker`s sample flag', async () => {
    const r = await getJson(t.base, '/api/ticker/aapl/bars?from=2020-06-01&indicators=sma20,rsi14');
    assert.equal(r.status, 200);
    const { data, meta } = r.body;
    assert.equal(data.symbol, 'AAPL');
    assert.equal(meta.sample, false);
    assert.equal(data.dates[0], '2020-06-01');
    assert.equal(meta.lastDate, data.dates.at(-1));
    for (const col of ['open', 'high', 'low', 'close', 'adjClose', 'volume', 'sma20', 'rsi14']) {
      assert.equal(data[col].length, data.dates.length, col);
    }
    // SMA20 of a close rising 0.25 a day is the close 9.5 steps back: exact in binary.
    const last = data.close.at(-1);
    assert.equal(data.sma20.at(-1), last - 9.5 * 0.25);
    assert.deepEqual(data.dividends, []);
  });

  it('answers 304 to a client that has the bytes already', async () => {
    const first = await getJson(t.base, '/api/ticker/AAPL/bars');
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${t.base}/api/ticker/AAPL/bars`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  it('answers a changed bar at once, though the answer before it was held', async () => {
    const before = await getJson(t.base, '/api/ticker/AAPL/bars?indicators=sma20');
    const last = before.body.data.dates.at(-1);
    const day = dayFromIso(last);
    await t.store.bars.writeTicker({
      symbol: 'AAPL',
      bars: barSeriesFromBars('AAPL', [
        { date: day, open: 1, high: 2, low: 0.5, close: 1.5, adjClose: 1.5, volume: 9 },
      ]),
    });
    const after = await getJson(t.base, '/api/ticker/AAPL/bars?indicators=sma20');
    assert.equal(after.body.data.close.at(-1), 1.5);
    assert.notEqual(after.body.data.sma20.at(-1), before.body.data.sma20.at(-1));
  });

  it('names the bad parameter, and 404s a ticker with no bars', async () => {
    for (const q of ['from=2020-13-01', 'indicators=sma21', 'from=2021-01-01&to=2020-01-01', 'limit=5']) {
      const r = await getJson(t.base, `/api/ticker/AAPL/bars?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'MD_ERR_BAD_PARAM');
    }
    const none = await getJson(t.base, '/api/ticker/ZZZZ/bars');
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'MD_ERR_UNKNOWN_TICKER');
  });

  it('answers the last 60 closes per symbol for sparklines', async () => {
    const r = await getJson(t.base, '/api/sparklines?symbols=AAPL,ZZZZ');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.AAPL.closes.length, 60);
    assert.equal(r.body.data.AAPL.closes.at(-2), 100 + 298 * 0.25);
    assert.deepEqual(r.body.data.ZZZZ.closes, []);
    assert.equal((await getJson(t.base, '/api/sparklines')).status, 400);
  });
});

describe('signals of the week and of a whole history', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('lists each screener row`s signal kinds of the last week, and none older', async () => {
    const r = await getJson(t.base, '/api/screener?sort=symbol&dir=asc');
    const at = r.body.data.columns.indexOf('signals');
    assert.ok(at >= 0);
    const bySymbol = Object.fromEntries(r.body.data.rows.map((row: unknown[]) => [row[0], row[at]]));
    assert.deepEqual(bySymbol.AAPL, ['new-52w-high', 'rsi-above-70']);
    assert.deepEqual(bySymbol.MSFT, [], 'a golden cross 100 days back is not of this week');
    assert.deepEqual(bySymbol.XOM, ['death-cross']);
  });

  it('answers a ticker`s every signal oldest first, and 404s a ticker with no analysis', async () => {
    const r = await getJson(t.base, '/api/ticker/MSFT/signals');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.map((s: { kind: string }) => s.kind),
      ['golden-cross'],
    );
    const aapl = await getJson(t.base, '/api/ticker/AAPL/signals');
    assert.deepEqual(
      aapl.body.data.map((s: { kind: string }) => s.kind),
      ['rsi-above-70', 'new-52w-high'],
    );
    assert.equal((await getJson(t.base, '/api/ticker/NOPE/signals')).status, 404);
  });
});

describe('GET /api/screener?format=csv', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('answers the same rows as the JSON, as CSV', async () => {
    const json = await getJson(t.base, '/api/screener?sort=symbol&dir=asc');
    const res = await fetch(`${t.base}/api/screener?sort=symbol&dir=asc&format=csv`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    assert.equal(lines.length, json.body.data.rows.length + 1);
    assert.equal(lines[0], json.body.data.columns.join(','));
    assert.ok(lines[1].startsWith(`${json.body.data.rows[0][0]},`));
  });

  it('quotes separators and defuses cells a spreadsheet would run as formulas', () => {
    const csv = screenerCsv({
      columns: ['symbol', 'name', 'close'],
      rows: [['X', '=HYPERLINK("http://e.example","a, b")', -1.5]],
    });
    assert.equal(csv, 'symbol,name,close\r\nX,"\'=HYPERLINK(""http://e.example"",""a, b"")",-1.5\r\n');
  });
});

describe('POST /api/update and POST /api/jobs/:id/cancel', () => {
  let t: TestServer;
  let release: () => void = () => {};
  before(async () => {
    t = await startTestServer({
      runFetch: (ctx) =>
        new Promise((resolve, reject) => {
          release = () => resolve({ fetched: 0 });
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    });
  });
  after(() => t.close());

  it('queues an update with the dashboard`s fields as the job`s params', async () => {
    const r = await postJson(t.base, '/api/update', { universe: 'sp500', expand: true, maxStocks: 50, force: true });
    assert.equal(r.status, 202);
    const run = await t.runtime.queue.get(r.body.jobId);
    assert.equal(run?.kind, 'update');
    assert.deepEqual(run?.params, { universe: 'sp500', expand: true, maxStocks: 50, forceRefresh: true });
    const again = await postJson(t.base, '/api/update', {
      universe: 'sp500',
      expand: true,
      maxStocks: 50,
      force: true,
    });
    assert.equal(again.body.jobId, r.body.jobId);
    assert.equal(again.body.joined, true);

    const cancel = await postJson(t.base, `/api/jobs/${r.body.jobId}/cancel`, {});
    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.cancelled, true);
    const done = await t.runtime.queue.get(r.body.jobId);
    assert.ok(done && ['cancelled', 'running'].includes(done.status));
    release();
  });

  it('takes forceRefresh, the one spelling of the job param, and force as its alias', async () => {
    const canonical = await postJson(t.base, '/api/update', { tickers: 'AAA', forceRefresh: true });
    assert.equal(canonical.status, 202, JSON.stringify(canonical.body));
    assert.deepEqual((await t.runtime.queue.get(canonical.body.jobId))?.params, { tickers: 'AAA', forceRefresh: true });
    // The dashboard's run settings still send the old spelling: the same params, so the same run.
    const alias = await postJson(t.base, '/api/update', { tickers: 'AAA', force: true });
    assert.equal(alias.body.jobId, canonical.body.jobId);
    assert.equal(alias.body.joined, true);
    const both = await postJson(t.base, '/api/update', { tickers: 'AAA', forceRefresh: true, force: false });
    assert.equal(both.status, 400);
    assert.match(both.body.error.message, /"forceRefresh" \(true\) and its alias "force" \(false\) disagree/);
    await postJson(t.base, `/api/jobs/${canonical.body.jobId}/cancel`, {});
  });

  it('takes the scripts` {"universe": "sp500", "expand": true}', async () => {
    const r = await postJson(t.base, '/api/update', { universe: 'sp500', expand: true });
    assert.equal(r.status, 202);
    assert.ok(r.body.jobId);
    await postJson(t.base, `/api/jobs/${r.body.jobId}/cancel`, {});
  });

  it('refuses unknown fields and out-of-range values, naming them', async () => {
    const extra = await postJson(t.base, '/api/update', { universe: 'sp500', everything: true });
    assert.equal(extra.status, 400);
    assert.match(extra.body.error.message, /everything/);
    const range = await postJson(t.base, '/api/update', { maxConcurrent: 1000 });
    assert.equal(range.status, 400);
    assert.match(range.body.error.message, /maxConcurrent/);
    const universe = await postJson(t.base, '/api/update', { universe: 'nosuch' });
    assert.equal(universe.status, 400);
    assert.match(universe.body.error.message, /nosuch/);
  });

  it('404s the cancel of an unknown job', async () => {
    const r = await postJson(t.base, '/api/jobs/update-nope/cancel', {});
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'MD_ERR_UNKNOWN_JOB');
  });
});

describe('the built web app', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js.br'), 'BROTLI-BYTES');
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, '.vite', 'manifest.json'), '{"build":"state"}');
    t = await startTestServer({ webDir: dir });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      request(`${t.base}${path}`, { headers }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
        .on('error', reject)
        .end();
    });

  it('serves hashed assets immutable and precompressed, the page with a CSP that allows nothing inline', async () => {
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const js = await get('/assets/app-1a2b.js', { 'accept-encoding': 'gzip, br' });
    assert.equal(js.headers['content-encoding'], 'br');
    assert.equal(js.body, 'BROTLI-BYTES');
    assert.match(String(js.headers['cache-control']), /immutable/);
    const plain = await get('/assets/app-1a2b.js', { 'accept-encoding': 'br;q=0' });
    assert.equal(plain.body, 'console.log(1)');
    const cached = await get('/assets/app-1a2b.js', { 'if-none-match': String(js.headers.etag) });
    assert.equal(cached.status, 304);
  });

  it('serves the app for a page path, 404s a missing asset, and never shadows /api', async () => {
    const deep = await get('/screener?sort=rsi14');
    assert.equal(deep.status, 200);
    assert.match(deep.body, /app-1a2b\.js/);
    assert.equal((await get('/assets/old-9999.js')).status, 404);
    const manifest = await get('/.vite/manifest.json');
    assert.doesNotMatch(manifest.body, /build/, 'build state is not served');
    const api = await get('/api/nothing');
    assert.equal(api.status, 404);
    assert.match(String(api.headers['content-type']), /application\/json/);
  });
});
