import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpGet, HttpResponse } from '../../src/sources/http-get.js';

/** One recorded HTTP exchange from test/fixtures/yahoo (see its README for provenance). */
export interface RecordedResponse {
  /** The URL Yahoo was asked. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The repository root, found upwards from this file (tests run from src via tsx or from dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test support folder');
    dir = up;
  }
  return dir;
}

/**
 * Loads a recording. Newer files store each header as a string and the body as `bodyJson` (re-serialised
 * here: same content, not the original bytes); older ones store headers as arrays and the body as `body`.
 */
export function loadYahooFixture(file: string): RecordedResponse {
  const raw = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'yahoo', file), 'utf8')) as {
    request: { url: string };
    response: { status: number; headers: Record<string, string | string[]>; body?: string; bodyJson?: unknown };
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.response.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = raw.response.body !== undefined ? raw.response.body : JSON.stringify(raw.response.bodyJson);
  return { url: raw.request.url, status: raw.response.status, headers, body };
}

export function responseOf(r: Pick<RecordedResponse, 'status' | 'headers' | 'body'>): HttpResponse {
  return {
    status: r.status,
    headers: {
      get: (name: string) => r.headers[name.toLowerCase()] ?? null,
      getSetCookie: () => (r.headers['set-cookie'] ? [r.headers['set-cookie']] : []),
    },
    text: async () => r.body,
  };
}

/**
 * An HttpGet that answers from recordings: the first route whose test matches the URL wins. It keeps the
 * URLs and headers it was called with, so tests can check what a source asked for.
 */
export function replayHttpGet(
  routes: ReadonlyArray<
    [test: (url: string) => boolean, response: Pick<RecordedResponse, 'status' | 'headers' | 'body'>]
  >,
): HttpGet & { calls: { url: string; headers: Record<string, string> }[] } {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const get = async (url: string, init: { headers?: Record<string, string> }) => {
    calls.push({ url, headers: { ...init.headers } });
    const route = routes.find(([test]) => test(url));
    if (!route) throw new Error(`no recorded response for ${url}`);
    return responseOf(route[1]);
  };
  return Object.assign(get, { calls });
}

/** Replays one recording for every request. */
export function replayOne(file: string): HttpGet & { calls: { url: string; headers: Record<string, string> }[] } {
  const recorded = loadYahooFixture(file);
  return replayHttpGet([[() => true, recorded]]);
}
