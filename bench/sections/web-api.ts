import { type ChildProcess, fork } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import { precompute } from '../../src/precompute/precompute.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import {
  atLeast,
  atMost,
  type BenchFigure,
  type BenchSection,
  info,
  median,
  sharedPricesFile,
} from '../bench-section.js';
import { startServeChild } from '../reliability/serve-child.js';
import { analyzeStored, importRealMarket } from '../support/stored-market.js';

const CONNECTIONS = 64;
const SECONDS = 8;
const ROUNDS = 3;
/** About ten years of trading days, for the ticker chart's answer. */
const TEN_YEARS_DAYS = 2520;

interface Run {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * The serving path beside a bare node:http server sending the same bytes from memory, both in processes of
 * their own, loaded in turn by autocannon at 64 connections: `GET /api/overview` (target >= 0.8x the bare
 * rate), `GET /api/screener?limit=100` (>= 0.5x), p99 <= 10 ms for both; then one client asking for a
 * ten-year ticker's bars with indicators, p50 <= 5 ms. The data: the real 505-ticker set when ../shared is
 * beside the checkout (else 505 synthetic tickers), plus one synthetic ticker with ten years of bars.
 */
export const webApiSection: BenchSection = {
  name: 'web-api',
  description: 'API beside bare node:http at 64 connections; a ten-year chart answer',
  async run(ctx) {
    const db = join(ctx.tmpDir, 'api.db');
    const store = await SqliteStore.open(db);
    let longSymbol: string;
    try {
      const csv = sharedPricesFile(ctx);
      if (csv) await importRealMarket(store, csv);
      else await generateUniverse(store, { tickers: 505, days: 1260, seed: 7 });
      // S0001, written over the synthetic set's first ticker when there is no real one.
      // Ending on the real set's last day, so the market's date (and so the overview) stays the real set's.
      const last = (await store.bars.stats()).lastDate ?? undefined;
      const long = await generateUniverse(store, { tickers: 1, days: TEN_YEARS_DAYS, seed: 99, endDate: last });
      longSymbol = 'S0001';
      ctx.log(`data: ${csv ? 'real 505 tickers' : '505 synthetic tickers'} + ${long.tickers} ten-year ticker`);
      await analyzeStored(store);
      await precompute({ store, cache: new DashboardCache(store.cache, { ttlMinutes: 1440 }) });
    } finally {
      await store.close();
    }
    const server = await startServeChild(db, { CACHE_EXPIRATION_MINUTES: '1440', LOG_LEVEL: 'error' });
    const bare = { child: null as ChildProcess | null, base: '' };
    try {
      const paths = ['/api/overview', '/api/screener?limit=100'];
      const answers = [];
      // The bare server sends the same bytes: the body and every header of the answer as autocannon gets it.
      for (const path of paths) answers.push(await capture(server.base + path, path));
      Object.assign(bare, await startBare(answers));
      const figures: BenchFigure[] = [];
      const details: Record<string, unknown> = {};
      for (const path of paths) {
        await load(server.base + path, 2);
        await load(bare.base + path, 2);
        const ours: Run[] = [];
        const theirs: Run[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          ours.push(await load(server.base + path, SECONDS));
          theirs.push(await load(bare.base + path, SECONDS));
        }
        const ratio = median(ours.map((o, i) => o.rps / theirs[i].rps));
        const p99 = median(ours.map((o) => o.p99));
        const target = path === '/api/overview' ? 0.8 : 0.5;
        const size = Buffer.from(answers[paths.indexOf(path)].body, 'base64').length / 1024;
        const note =
          `${median(ours.map((o) => o.rps)).toFixed(0)} vs bare ${median(theirs.map((o) => o.rps)).toFixed(0)} req/s, ` +
          `bare p99 ${median(theirs.map((o) => o.p99))} ms, ${size.toFixed(1)} KiB`;
        figures.push(atLeast(`${path} req/s vs bare node:http (median of ${ROUNDS})`, ratio, 'x', target, note));
        figures.push(atMost(`${path} p99 at ${CONNECTIONS} connections`, p99, 'ms', 10));
        details[path] = { ours, bare: theirs };
      }
      const barsPath = `/api/ticker/${longSymbol}/bars?indicators=sma50,sma200,ema20,bbUpper,bbMiddle,bbLower,rsi14,macd,macdSignal,macdHist`;
      const probe = await fetch(server.base + barsPath);
      const probeBody = await probe.text();
      const dates = (JSON.parse(probeBody).data?.dates ?? []).length;
      await load(server.base + barsPath, 2, 1);
      const bars = await load(server.base + barsPath, SECONDS, 1);
      figures.push(
        atMost(
          `ticker bars, ${dates} days + 10 indicators, one client p50`,
          bars.p50,
          'ms',
          5,
          `${(probeBody.length / 1024).toFixed(0)} KiB, p99 ${bars.p99} ms`,
        ),
      );
      figures.push(info('ticker bars answers per second, one client', bars.rps, 'req/s'));
      details.bars = bars;
      return { figures, details };
    } finally {
      bare.child?.kill();
      await server.stop();
    }
  },
};

/** One answer as a client that asks for no compression gets it. */
function capture(url: string, path: string): Promise<{ path: string; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`));
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)) {
            headers[name] = String(value);
          }
        }
        resolve({ path, headers, body: Buffer.concat(chunks).toString('base64') });
      });
    }).on('error', reject);
  });
}

async function load(url: string, seconds: number, connections = CONNECTIONS): Promise<Run> {
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function startBare(answers: unknown[]): Promise<{ child: ChildProcess; base: string }> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const child = fork(fileURLToPath(new URL(`../support/bare-bytes-server${ext}`, import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ answers });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, base: `http://127.0.0.1:${m.port}` }));
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
}
