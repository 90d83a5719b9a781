import { request } from 'node:http';
import { type Config, loadConfig } from '../../src/config/index.js';
import type { StepRunner } from '../../src/jobs/handlers/index.js';
import { createJobRuntime, type JobRuntime } from '../../src/jobs/job-runtime.js';
import { type App, type BuildAppOptions, buildApp } from '../../src/server/build-app.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import type { Store } from '../../src/store/store.js';
import { openTempStore, seedAnalysis } from '../precompute/precompute-fixtures.js';

export interface TestServer {
  store: Store;
  runtime: JobRuntime;
  app: App;
  server: RunningServer;
  /** http://127.0.0.1:<port> without the trailing slash. */
  base: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Settings by key (host, apiToken, ...); the environment is not read. */
  settings?: Record<string, unknown>;
  /** Seed the analysis tables (default true) and run a precompute (default true). */
  seed?: boolean;
  precompute?: boolean;
  runFetch?: StepRunner;
  heartbeatMs?: number;
  /** The built web app's folder; default none (the API alone). */
  webDir?: string | null;
  /** Sees every request as it arrives (an access log under test). */
  onRequest?: BuildAppOptions['onRequest'];
}

/**
 * A real SQLite store seeded with four analysed tickers, the app over it, listening on 127.0.0.1 port 0
 * whatever HOST the app is configured for (so a non-loopback configuration can be tested from here).
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const { store, dispose } = await openTempStore();
  if (opts.seed !== false) await seedAnalysis(store);
  const config: Config = loadConfig({ env: {}, overrides: { ...opts.settings } });
  const runtime = createJobRuntime({
    store,
    config,
    runFetch: opts.runFetch ?? (async () => ({ fetched: 0 })),
    runAnalyze: async () => ({ analysed: 0 }),
  });
  if (opts.precompute !== false) {
    const run = await (await runtime.queue.enqueue('precompute', {})).done;
    if (run.status !== 'succeeded') throw new Error(`seed precompute ${run.status}: ${run.error}`);
  }
  const app = buildApp({
    store,
    config,
    runtime,
    heartbeatMs: opts.heartbeatMs,
    webDir: opts.webDir ?? null,
    onRequest: opts.onRequest,
  });
  const server = await startServer(app, '127.0.0.1', 0);
  return {
    store,
    runtime,
    app,
    server,
    base: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.close();
      await runtime.queue.close();
      await dispose();
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field in asserts, which fail on a wrong shape.
  body: any;
}

export async function getJson(base: string, path: string, init?: RequestInit): Promise<JsonResponse> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) };
}

export function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return getJson(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event data is read field by field in asserts, which fail on a wrong shape.
  data: any;
}

/**
 * Opens GET /api/events and resolves once subscribed; `until` resolves when an event matching the
 * predicate has arrived, with every event seen so far.
 */
export function openEventStream(base: string): Promise<{
  events: SseEvent[];
  comments: string[];
  until(pred: (e: SseEvent) => boolean): Promise<SseEvent[]>;
  /** Resolves when a comment line with this text has arrived. */
  untilComment(text: string): Promise<void>;
  close(): void;
}> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    const waiters: { pred: (e: SseEvent) => boolean; done: (all: SseEvent[]) => void }[] = [];
    const commentWaiters: { text: string; done: () => void }[] = [];
    let buffer = '';
    const req = request(`${base}/api/events`, (res) => {
      res.setEncoding('utf8');
      let subscribed = false;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          if (block.startsWith(':')) {
            const comment = block.slice(1).trim();
            comments.push(comment);
            for (const w of commentWaiters.filter((x) => x.text === comment)) {
              commentWaiters.splice(commentWaiters.indexOf(w), 1);
              w.done();
            }
          } else {
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
            const e = { event, data };
            events.push(e);
            for (const w of [...waiters]) {
              if (w.pred(e)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.done(events);
              }
            }
          }
          if (!subscribed) {
            subscribed = true;
            resolve({
              events,
              comments,
              until: (pred) =>
                events.some(pred) ? Promise.resolve(events) : new Promise((done) => waiters.push({ pred, done })),
              untilComment: (text) =>
                comments.includes(text)
                  ? Promise.resolve()
                  : new Promise<void>((done) => commentWaiters.push({ text, done })),
              close: () => req.destroy(),
            });
          }
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (error) => {
      if (!(error as NodeJS.ErrnoException).code?.startsWith('ECONNRESET')) reject(error);
    });
    req.end();
  });
}
