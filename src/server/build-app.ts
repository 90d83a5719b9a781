import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/index.js';
import { isoFromDay } from '../domain/epoch-day.js';
import type { JobStatus } from '../domain/job-run.js';
import { normalizeSymbol } from '../domain/symbol.js';
import { createDashboardReader } from '../jobs/dashboard-reader.js';
import { isJobKind, JOB_KIND_NAMES, type JobKind } from '../jobs/job-kinds.js';
import type { JobRuntime } from '../jobs/job-runtime.js';
import type { BreadthIndexPayload } from '../precompute/build-breadth-payload.js';
import type { ScreenerPayload } from '../precompute/build-screener.js';
import { buildTickerBars, seriesFingerprint } from '../precompute/build-ticker-bars.js';
import { breadthCacheKey, CACHE_KEYS, tickerCacheKey } from '../precompute/cache-keys.js';
import type { HealthSample, Store } from '../store/store.js';
import { isSampleTicker } from '../universe/sample-symbols.js';
import { ApiError } from './api-error.js';
import { badParam, noParams } from './bad-param.js';
import { createBearerAuth } from './bearer-auth.js';
import { BoundedMemo } from './bounded-memo.js';
import { buildStatus } from './build-status.js';
import { checkJobParams } from './job-body.js';
import { HEARTBEAT_MS, openJobEventStream } from './job-event-stream.js';
import { operationsRoutes } from './operations-routes.js';
import { PayloadMemo, type ServedPayload } from './payload-memo.js';
import { portfolioRoutes } from './portfolio-routes.js';
import { readJsonBody } from './read-json-body.js';
import { createRequestGuard } from './request-guard.js';
import type { Route } from './route.js';
import { screenerCsv } from './screener-csv.js';
import { applyScreenerQuery, parseScreenerQuery, screenerAnswerJson } from './screener-query.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { sendApiError, sendJson } from './send-json.js';
import { ServedBytes } from './served-payload.js';
import { parseSparklineQuery, sparklines } from './sparklines.js';
import { DEFAULT_WEB_DIR, loadStaticApp } from './static-app.js';
import { parseTickerBarsQuery } from './ticker-bars-query.js';
import { parseUpdateRequest } from './update-request.js';

export interface BuildAppOptions {
  store: Store;
  /** `host` decides whether POSTs need API_TOKEN (see bearer-auth.ts). */
  config: Config;
  runtime: JobRuntime;
  log?: (message: string) => void;
  /** Called as each request arrives, before it is served: the access log hooks the answer's end here. */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => void;
  /** SSE heartbeat period; 15 s unless a test wants it shorter. */
  heartbeatMs?: number;
  /** The built web app's folder (default dist/web beside the server); null serves the API alone. */
  webDir?: string | null;
  /** A fresh health sample for the health page when none is stored (the server's sampler). */
  sampleHealth?: () => Promise<HealthSample>;
}

export interface App {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends the open event streams (the queue and store belong to the caller). */
  close(): void;
}

/** The pipeline charts by the name in /api/pipeline/:chart. */
const PIPELINE_CHARTS: Readonly<Record<string, string>> = {
  timeline24h: CACHE_KEYS.pipelineTimeline24h,
  fetchThroughput: CACHE_KEYS.pipelineFetchThroughput,
  errors30d: CACHE_KEYS.pipelineErrors30d,
  jobs7d: CACHE_KEYS.pipelineJobs7d,
};

/** The kinds a client may queue over HTTP: a kind added to JOB_KINDS is not exposed until it is listed here. */
const POSTABLE_KINDS: readonly JobKind[] = ['update', 'fetch', 'analyze', 'precompute', 'backfill'];
const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted'] as const;

/**
 * The HTTP JSON API over the precomputed dashboard, without a socket: `handle` serves one request, so tests
 * and `startServer` share it. Payloads are read through the dashboard reader (an expired entry is served
 * with `meta.stale: true` while one precompute job rebuilds the cache).
 */
export function buildApp(opts: BuildAppOptions): App {
  const { store, config, runtime } = opts;
  const { queue } = runtime;
  const log = opts.log ?? (() => {});
  const auth = createBearerAuth(config.host, config.apiToken);
  const guard = createRequestGuard({ host: config.host, allowedHosts: config.allowedHosts });
  // Absent while a precompute runs (a full refresh rebuilding): wait for it; absent otherwise: not built yet.
  const read = createDashboardReader(runtime.cache, queue);
  const streams = new Set<() => void>();
  const web = opts.webDir === null ? undefined : loadStaticApp(opts.webDir ?? DEFAULT_WEB_DIR);
  // The shared queue's section of the status, as `status --json` prints it; read at most every 5 s, since each
  // reading opens its own Redis connections and the dashboard asks for the status on every page.
  const queueStatus = memoizeFor(5_000, async (): Promise<unknown> => {
    const { readQueueStatus } = await import('../jobs/queue/queue-status.js');
    try {
      return await readQueueStatus(config);
    } catch (error) {
      return { error: (error as Error).message };
    }
  });

  // Each payload's bytes held in memory until a precompute replaces it (see PayloadMemo).
  const memo = new PayloadMemo({
    read,
    meta: (key) => runtime.cache.getMeta(key),
    countHit: () => runtime.cache.countHit(),
  });
  /** Chart answers by symbol and query, at most 64 MB; each checked against the bars it was built from. */
  const barAnswers = new BoundedMemo<{ fingerprint: string; bytes: ServedBytes; size: number }>(64 * 1024 * 1024);
  const stopInvalidating = queue.subscribe((event) => {
    if (event.type !== 'finished') return;
    if (event.run.kind === 'precompute' || event.run.kind === 'update') memo.invalidate();
    // A fetch or a backfill may add dividends or splits alone, which the fingerprint of the bars does not see.
    if (event.run.kind === 'fetch' || event.run.kind === 'backfill' || event.run.kind === 'update') {
      barAnswers.clear();
    }
  });

  /** A payload with its cache dates; 503 when no precompute has written it and none is running. */
  const payload = async (key: string): Promise<ServedPayload> => {
    const served = await memo.get(key);
    if (!served) throw notReady(key);
    return served;
  };
  const sendPayload = async (req: IncomingMessage, res: ServerResponse, key: string) =>
    (await payload(key)).bytes.send(req, res);
  /** A fixed path answering one cached payload as it is. */
  const payloadRoute = (pattern: string[], key: string): Route => ({
    method: 'GET',
    pattern,
    handler: async (req, res, url) => {
      noParams(url);
      await sendPayload(req, res, key);
    },
  });
  /** A job run by id; 404 when there is none. */
  const jobRun = async (id: string) => {
    const run = await queue.get(id);
    if (!run) throw new ApiError('MD_ERR_UNKNOWN_JOB', `no job run with id "${id}"`);
    return run;
  };

  const routes: Route[] = [
    { method: 'GET', pattern: ['healthz'], handler: async (_q, res) => sendJson(res, 200, { ok: true }) },
    ...portfolioRoutes({ store, queue }),
    ...operationsRoutes({ store, config, sampleHealth: opts.sampleHealth }),
    payloadRoute(['api', 'overview'], CACHE_KEYS.overview),
    payloadRoute(['api', 'heatmap'], CACHE_KEYS.heatmap),
    {
      method: 'GET',
      pattern: ['api', 'screener'],
      handler: async (req, res, url) => {
        const query = parseScreenerQuery(url.searchParams);
        if (query.format === 'csv') {
          const value = (await payload(CACHE_KEYS.screener)).value as ScreenerPayload;
          const csv = screenerCsv(applyScreenerQuery(value, query));
          res.writeHead(200, {
            ...SECURITY_HEADERS,
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="screener-${value.asOf ?? 'latest'}.csv"`,
            'cache-control': 'no-store',
            'content-length': Buffer.byteLength(csv),
          });
          res.end(csv);
          return;
        }
        const served = await payload(CACHE_KEYS.screener);
        const value = served.value as ScreenerPayload;
        const rowJson = served.shared(() => value.rows.map((row) => JSON.stringify(row)));
        served
          .derived(
            url.search,
            () => new ServedBytes(Buffer.from(screenerAnswerJson(value, rowJson, query, served.metaJson))),
          )
          .send(req, res);
      },
    },
    payloadRoute(['api', 'breadth'], CACHE_KEYS.breadthIndex),
    {
      method: 'GET',
      pattern: ['api', 'breadth', ':universe', ':scope'],
      handler: async (req, res, url, [universe, scope]) => {
        noParams(url);
        const index = (await payload(CACHE_KEYS.breadthIndex)).value as BreadthIndexPayload;
        const u = index.universes.find((x) => x.name === universe);
        const entry = u?.scopes.find((s) => s.scope === scope);
        if (!entry) {
          const known = index.universes.flatMap((x) => x.scopes.map((s) => `${x.name}/${s.scope}`));
          throw new ApiError(
            'MD_ERR_UNKNOWN_BREADTH',
            `no breadth series for universe "${universe}" and scope "${scope}"; cached: ${known.join(', ') || 'none'}`,
          );
        }
        await sendPayload(req, res, breadthCacheKey(universe, scope));
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'ticker', ':symbol'],
      handler: async (req, res, url, [raw]) => {
        noParams(url);
        const symbol = tickerSymbol(raw);
        const key = tickerCacheKey(symbol);
        // The reader starts no precompute for an absent key, so an unknown ticker never starts a rebuild.
        const served = await memo.get(key);
        if (!served) {
          // Absent: an analysed ticker is waiting for its first precompute; any other has no data at all.
          throw (await store.analysis.screenerRow(symbol)) ? notReady(key) : unknownTicker(raw);
        }
        served.bytes.send(req, res);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'ticker', ':symbol', 'bars'],
      handler: async (req, res, url, [raw]) => {
        const query = parseTickerBarsQuery(url.searchParams);
        const symbol = tickerSymbol(raw);
        const series = await store.bars.read(symbol);
        if (!series) throw new ApiError('MD_ERR_UNKNOWN_TICKER', `ticker "${raw}" has no stored bars`);
        // Reading the bars is cheap; the indicators and the JSON of ten years are not: held while the bars are the same.
        const id = `${symbol}${url.search}`;
        const fingerprint = seriesFingerprint(series);
        let held = barAnswers.get(id);
        if (held?.fingerprint !== fingerprint) {
          const [bars, sample] = await Promise.all([
            buildTickerBars(store, symbol, query, series),
            isSampleTicker(store, symbol),
          ]);
          const meta = {
            symbol,
            sample,
            lastDate: bars?.dates.at(-1) ?? null,
          };
          const bytes = ServedBytes.ofJson({ data: bars, meta });
          held = { fingerprint, bytes, size: bytes.body.length };
          barAnswers.set(id, held);
        }
        held.bytes.send(req, res);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'ticker', ':symbol', 'signals'],
      handler: async (req, res, url, [raw]) => {
        noParams(url);
        const symbol = tickerSymbol(raw);
        const signals = await store.analysis.signals({ symbol });
        if (signals.length === 0 && !(await store.analysis.screenerRow(symbol))) throw unknownTicker(raw);
        // Oldest first, as a chart lays its markers out.
        const data = signals
          .map((s) => ({ date: isoFromDay(s.date), kind: s.kind, value: s.value }))
          .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
        ServedBytes.ofJson({ data, meta: { symbol, count: data.length } }).send(req, res);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'sparklines'],
      handler: async (req, res, url) => {
        const symbols = parseSparklineQuery(url.searchParams);
        ServedBytes.ofJson({ data: await sparklines(store, symbols) }).send(req, res);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'pipeline', ':chart'],
      handler: async (req, res, url, [chart]) => {
        noParams(url);
        const key = Object.hasOwn(PIPELINE_CHARTS, chart) ? PIPELINE_CHARTS[chart] : undefined;
        if (!key) {
          throw new ApiError(
            'MD_ERR_UNKNOWN_CHART',
            `no pipeline chart "${chart}"; expected one of ${Object.keys(PIPELINE_CHARTS).join(', ')}`,
          );
        }
        await sendPayload(req, res, key);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'cache', 'stats'],
      handler: async (_req, res, url) => {
        noParams(url);
        sendJson(res, 200, { ...(await runtime.cache.stats()), ttlMinutes: runtime.cache.ttlMinutes });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'status'],
      handler: async (_req, res, url) => {
        noParams(url);
        const status = await buildStatus(store, config);
        sendJson(res, 200, config.redisUrl === '' ? status : { ...status, queue: await queueStatus() });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'jobs'],
      handler: async (_req, res, url) => {
        const filter = parseJobListQuery(url.searchParams);
        const [active, recent] = await Promise.all([queue.active(), queue.list(filter)]);
        sendJson(res, 200, { active, recent });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'jobs', ':id'],
      handler: async (_req, res, url, [id]) => {
        noParams(url);
        sendJson(res, 200, await jobRun(id));
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'jobs'],
      handler: async (req, res, url) => {
        noParams(url);
        const { kind, params } = parseJobRequest(await readJsonBody(req));
        const handle = await queue.enqueue(kind, await checkJobParams(kind, params, config.universeDir));
        sendJson(res, 202, {
          id: handle.id,
          kind: handle.kind,
          joined: handle.joined,
          run: await queue.get(handle.id),
        });
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'update'],
      handler: async (req, res, url) => {
        noParams(url);
        const params = await checkJobParams('update', parseUpdateRequest(await readJsonBody(req)), config.universeDir);
        const handle = await queue.enqueue('update', params);
        sendJson(res, 202, { jobId: handle.id, joined: handle.joined, run: await queue.get(handle.id) });
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'jobs', ':id', 'cancel'],
      handler: async (req, res, url, [id]) => {
        noParams(url);
        await readJsonBody(req);
        await jobRun(id);
        const cancelled = await queue.cancel(id);
        sendJson(res, cancelled ? 202 : 200, { id, cancelled, run: await queue.get(id) });
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'refresh'],
      handler: async (req, res, url) => {
        noParams(url);
        await readJsonBody(req);
        const handle = await queue.enqueue('precompute', { full: true });
        const run = await handle.done;
        if (run.status !== 'succeeded') {
          throw new ApiError(
            'MD_ERR_JOB_FAILED',
            `full refresh job ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`,
          );
        }
        sendJson(res, 200, { id: run.id, joined: handle.joined, summary: run.metrics });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'events'],
      handler: async (req, res, url) => {
        noParams(url);
        if (streams.size >= config.serverMaxEventStreams) {
          throw new ApiError(
            'MD_ERR_TOO_MANY_STREAMS',
            `${streams.size} event streams are open, the most SERVER_MAX_EVENT_STREAMS allows; close one and retry`,
            { 'retry-after': '5' },
          );
        }
        const end = openJobEventStream(req, res, queue, opts.heartbeatMs ?? HEARTBEAT_MS);
        streams.add(end);
        res.on('close', () => streams.delete(end));
      },
    },
  ];

  // Fixed paths found by one map lookup: a payload answer is a few microseconds, the route search should not be more.
  const fixedGets = new Map<string, { route: Route; url: URL }>();
  for (const r of routes) {
    if (r.method !== 'GET' || r.pattern.some((p) => p.startsWith(':'))) continue;
    const path = `/${r.pattern.join('/')}`;
    fixedGets.set(path, { route: r, url: new URL(path, 'http://localhost') });
  }

  return {
    async handle(req, res) {
      opts.onRequest?.(req, res);
      try {
        guard.checkHost(req);
        const raw = req.url ?? '/';
        // A payload request names a fixed path without a query: its URL is made once, not per request.
        if (req.method === 'GET' && raw.indexOf('?') === -1) {
          const direct = fixedGets.get(raw);
          if (direct !== undefined) {
            await direct.route.handler(req, res, direct.url, []);
            return;
          }
        }
        const url = new URL(raw, 'http://localhost');
        if (web !== undefined && (req.method === 'GET' || req.method === 'HEAD') && !isApiPath(url.pathname)) {
          if (web === null) {
            throw new ApiError(
              'MD_ERR_NOT_FOUND',
              `the web dashboard is not built (no ${opts.webDir ?? DEFAULT_WEB_DIR}index.html); run \`npm run build\`, or use the JSON API under /api/`,
            );
          }
          web.serve(req, res, url.pathname);
          return;
        }
        const fixedGet = req.method === 'GET' ? fixedGets.get(url.pathname) : undefined;
        if (fixedGet !== undefined) {
          await fixedGet.route.handler(req, res, url, []);
          return;
        }
        const segments = pathSegments(url.pathname);
        const matching = routes
          .map((r) => ({ r, params: match(r.pattern, segments) }))
          .filter((m): m is { r: Route; params: string[] } => m.params !== null);
        if (matching.length === 0) {
          throw new ApiError('MD_ERR_NOT_FOUND', `no endpoint at ${url.pathname}; see README.md "HTTP API"`);
        }
        const found = matching.find((m) => m.r.method === req.method);
        if (!found) {
          const allowed = [...new Set(matching.map((m) => m.r.method))].join(', ');
          throw new ApiError(
            'MD_ERR_METHOD_NOT_ALLOWED',
            `${req.method} ${url.pathname} is not served; use ${allowed}`,
            {
              allow: allowed,
            },
          );
        }
        if (found.r.method === 'POST') {
          // Before the body is read: a refused request costs nothing.
          guard.checkStateChange(req);
          auth.check(req);
        }
        await found.r.handler(req, res, url, found.params);
      } catch (error) {
        if (res.headersSent) {
          log(`${req.method} ${req.url} failed after answering: ${error}`);
          res.destroy();
          return;
        }
        if (error instanceof ApiError) sendApiError(res, error);
        else {
          log(`${req.method} ${req.url} failed: ${(error as Error)?.stack ?? error}`);
          sendApiError(res, new ApiError('MD_ERR_INTERNAL', `internal error: ${(error as Error)?.message ?? error}`));
        }
      }
    },
    close() {
      stopInvalidating();
      for (const end of [...streams]) end();
      streams.clear();
    },
  };
}

/** Paths the app never shadows: the API and the health check answer JSON whatever the web app holds. */
function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname === '/healthz';
}

function pathSegments(pathname: string): string[] | null {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

function match(pattern: readonly string[], segments: readonly string[] | null): string[] | null {
  if (!segments || segments.length !== pattern.length) return null;
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params.push(segments[i]);
    else if (pattern[i] !== segments[i]) return null;
  }
  return params;
}

function parseJobListQuery(params: URLSearchParams): { kind?: JobKind; status?: JobStatus; limit: number } {
  const out: { kind?: JobKind; status?: JobStatus; limit: number } = { limit: 50 };
  for (const [name, value] of params) {
    if (name === 'kind') {
      if (!isJobKind(value)) throw badParam(name, value, `a job kind: one of ${JOB_KIND_NAMES.join(', ')}`);
      out.kind = value;
    } else if (name === 'status') {
      if (!(JOB_STATUSES as readonly string[]).includes(value))
        throw badParam(name, value, `one of ${JOB_STATUSES.join(', ')}`);
      out.status = value as JobStatus;
    } else if (name === 'limit') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw badParam(name, value, 'an integer from 1 to 1000');
      out.limit = n;
    } else throw badParam(name, value, 'only kind, status and limit');
  }
  return out;
}

function parseJobRequest(body: unknown): { kind: JobKind; params: Record<string, unknown> } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('MD_ERR_BAD_BODY', `the body must be a JSON object {kind, params}; got ${JSON.stringify(body)}`);
  }
  const { kind, params, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new ApiError('MD_ERR_BAD_BODY', `unknown field(s) ${extra.join(', ')}; the body holds only kind and params`);
  }
  if (typeof kind !== 'string' || !(POSTABLE_KINDS as readonly string[]).includes(kind)) {
    throw new ApiError(
      'MD_ERR_BAD_BODY',
      `field "kind" is ${JSON.stringify(kind)}; expected one of ${POSTABLE_KINDS.join(', ')}`,
    );
  }
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
    throw new ApiError('MD_ERR_BAD_BODY', `field "params" is ${JSON.stringify(params)}; expected a JSON object`);
  }
  return { kind: kind as JobKind, params: (params as Record<string, unknown> | undefined) ?? {} };
}

function notReady(key: string): ApiError {
  return new ApiError(
    'MD_ERR_NOT_READY',
    `the dashboard payload "${key}" has not been precomputed yet; run \`marketdeck precompute\` (or POST /api/refresh)`,
  );
}

/** The symbol in a ticker path, as stored; one that cannot be a symbol is a ticker with no data. */
function tickerSymbol(raw: string): string {
  try {
    return normalizeSymbol(raw);
  } catch {
    throw unknownTicker(raw);
  }
}

function unknownTicker(symbol: string): ApiError {
  return new ApiError(
    'MD_ERR_UNKNOWN_TICKER',
    `ticker "${symbol}" has no analysed data; run \`marketdeck analyze\` after fetching it`,
  );
}

/** `read` called at most once every `ms`: callers in between share its last (or pending) answer. */
function memoizeFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= ms) last = { at: now, value: read() };
    return last.value;
  };
}
