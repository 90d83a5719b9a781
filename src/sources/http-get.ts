import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { SourceError } from './source.js';
import { whenAborted } from './when-aborted.js';

/**
 * The one HTTP call a source makes. Sources receive it injected, so the fetch engine can wrap it with rate
 * limits and retries (sources never retry) and tests can replay recorded responses without a network.
 */
export type HttpGet = (url: string, init: HttpGetInit) => Promise<HttpResponse>;

export interface HttpGetInit {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** What a source reads of a response: a subset of the WHATWG Response, easy to fake. */
export interface HttpResponse {
  status: number;
  headers: HttpHeadersLike;
  /** The whole body; may throw a SourceError ('timeout', 'truncated', 'network') when the body stops coming. */
  text(): Promise<string>;
}

export interface HttpHeadersLike {
  get(name: string): string | null;
  /** Every Set-Cookie header separately (the WHATWG Headers method); optional for fakes. */
  getSetCookie?(): string[];
}

export interface FetchHttpGetOptions {
  /** Time allowed for one request, headers and body together. */
  timeoutMs: number;
  /** Sent unless the caller sets its own; Yahoo answers some default client agents with 429. */
  userAgent?: string;
  /** The fetch to use (default: global fetch, Node's undici). */
  fetch?: typeof fetch;
}

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; marketdeck/0.1)';

/** Where a request was when it failed: the error kind and message depend on it. */
type Phase = 'before the response headers' | 'while reading the body';

export interface HttpGetOptions {
  /** Time allowed for one request, headers and body together (redirects included). */
  timeoutMs: number;
  /** Sent unless the caller sets its own. */
  userAgent?: string;
  /** Connections kept per host (default 256, the most --max-concurrent allows). */
  maxSockets?: number;
}

/**
 * The HttpGet the sources use unless told otherwise: node:http/https on a keep-alive agent, the cheaper
 * transport per request, which is what bounds a whole-market fetch.
 */
export function createHttpGet(options: HttpGetOptions): HttpGet {
  return createNodeHttpGet(options);
}

/** Query parameters whose values are credentials and never appear in errors or logs. */
const SECRET_PARAMS = /([?&](?:apikey|api_key|token|crumb)=)[^&#]*/gi;

/** The URL with credentials (apikey, token, crumb) replaced by ***, for evidence and logs. */
export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}

/**
 * HttpGet over global fetch with a per-request timeout. Network failures become SourceErrors of the kinds the
 * retry policy understands: the timeout firing -> 'timeout'; a refused or reset connection -> 'network';
 * the body breaking off after the headers -> 'truncated'. An abort by the caller's own signal is passed on
 * unchanged (it is a cancellation, not a failure of the source).
 */
export function createFetchHttpGet(options: FetchHttpGetOptions): HttpGet {
  const doFetch = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  return async (url, init) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'user-agent': userAgent, ...init.headers };
    const evidenceUrl = maskUrl(url);
    let response: Response;
    try {
      response = await doFetch(url, { signal, headers, redirect: 'follow' });
    } catch (error) {
      throw mapFetchFailure(error, init.signal, timeout, options.timeoutMs, evidenceUrl, 'before the response headers');
    }
    return {
      status: response.status,
      headers: response.headers,
      text: async () => {
        try {
          return await response.text();
        } catch (error) {
          throw mapFetchFailure(
            error,
            init.signal,
            timeout,
            options.timeoutMs,
            evidenceUrl,
            'while reading the body',
            response.status,
          );
        }
      },
    };
  };
}

function mapFetchFailure(
  error: unknown,
  callerSignal: AbortSignal | undefined,
  timeout: AbortSignal,
  timeoutMs: number,
  url: string,
  phase: Phase,
  status?: number,
): unknown {
  if (error instanceof SourceError) return error;
  if (callerSignal?.aborted) return callerSignal.reason ?? error;
  if (timeout.aborted) {
    return new SourceError('timeout', `GET ${url} timed out after ${timeoutMs} ms ${phase}`, { url, status });
  }
  return transportError(error, url, phase, status);
}

export interface NodeHttpGetOptions {
  /** Time allowed for one request, headers and body together (redirects included). */
  timeoutMs: number;
  userAgent?: string;
  /** Connections kept open per host (default 256); must be at least the run's concurrency or requests queue. */
  maxSockets?: number;
  /** Redirects followed before giving up (default 20, as fetch does). */
  maxRedirects?: number;
}

const DEFAULT_MAX_SOCKETS = 256;
const DEFAULT_MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** What the node transport can decode; sent as Accept-Encoding unless the caller sets its own. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * HttpGet over node:http/https with keep-alive agents: connections stay open between requests, so a run of
 * thousands of requests to one host pays for TCP (and TLS) setup once per connection, and each request costs
 * less CPU than through global fetch. Same contract and failure kinds as `createFetchHttpGet`: the timeout
 * firing (headers and body together) -> 'timeout'; a refused or reset connection -> 'network'; the body
 * breaking off after the headers -> 'truncated'; the caller's abort passed on unchanged. gzip, deflate and br
 * bodies are decoded; redirects are followed. The body is read as soon as the headers arrive, so the
 * connection goes back to the pool even when nobody reads it.
 */
export function createNodeHttpGet(options: NodeHttpGetOptions): HttpGet {
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  if (!(Number.isInteger(maxSockets) && maxSockets >= 1)) {
    throw new RangeError(`maxSockets ${maxSockets} is not valid; expected a whole number of connections >= 1`);
  }
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  return (url, init) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const callerSignal = init.signal;
      if (callerSignal?.aborted) {
        reject(callerSignal.reason);
        return;
      }
      const headers: Record<string, string> = { 'user-agent': userAgent, 'accept-encoding': ACCEPT_ENCODING };
      for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
      let evidenceUrl = maskUrl(url);
      let phase: Phase = 'before the response headers';
      let status: number | undefined;
      let settled = false;
      let current: http.ClientRequest | null = null;
      let response: IncomingMessage | null = null;
      let resolveBody: (body: string) => void = () => {};
      let rejectBody: (error: unknown) => void = () => {};

      /** The first failure wins: it goes to whoever waits (the caller for headers, text() for the body). */
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        response?.destroy();
        current?.destroy();
        if (phase === 'before the response headers') reject(error);
        else rejectBody(error);
      };
      const finish = (body: string) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolveBody(body);
      };
      const timer = setTimeout(() => {
        fail(
          new SourceError('timeout', `GET ${evidenceUrl} timed out after ${options.timeoutMs} ms ${phase}`, {
            url: evidenceUrl,
            status,
          }),
        );
      }, options.timeoutMs);
      const stopWaiting = callerSignal ? whenAborted(callerSignal, () => fail(callerSignal.reason)) : null;
      const cleanup = () => {
        clearTimeout(timer);
        stopWaiting?.();
      };

      const send = (target: URL, redirectsLeft: number, mayRetry: boolean) => {
        const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
        if (client === null) {
          fail(
            new SourceError(
              'network',
              `GET ${evidenceUrl} failed: protocol "${target.protocol}" is not supported; expected http: or https:`,
              { url: evidenceUrl },
            ),
          );
          return;
        }
        const req = client.request({
          protocol: target.protocol,
          // WHATWG keeps the brackets of an IPv6 literal; the socket wants the bare address.
          hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers,
          agent: target.protocol === 'https:' ? agents.https : agents.http,
        });
        current = req;
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (settled || current !== req) return;
          // A kept-alive connection the server closed while it sat idle fails on first use: the request never
          // reached the server, so it is sent once more on a new connection (what Node's docs advise for GETs).
          if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET' && response === null) {
            send(target, redirectsLeft, false);
            return;
          }
          fail(transportError(error, evidenceUrl, phase, status));
        });
        req.on('response', (res) => {
          if (settled || current !== req) {
            res.resume();
            return;
          }
          const location = res.headers.location;
          if (REDIRECT_STATUSES.has(res.statusCode ?? 0) && location !== undefined) {
            // Drained so that the connection goes back to the pool.
            res.resume();
            if (redirectsLeft <= 0) {
              fail(
                new SourceError('network', `GET ${evidenceUrl} redirected more than ${maxRedirects} times`, {
                  url: evidenceUrl,
                  status: res.statusCode,
                }),
              );
              return;
            }
            let next: URL;
            try {
              next = new URL(location, target);
            } catch {
              fail(
                new SourceError('network', `GET ${evidenceUrl} redirected to "${location}", which is not a URL`, {
                  url: evidenceUrl,
                  status: res.statusCode,
                }),
              );
              return;
            }
            evidenceUrl = maskUrl(next.href);
            send(next, redirectsLeft - 1, true);
            return;
          }
          response = res;
          status = res.statusCode ?? 0;
          phase = 'while reading the body';
          const body = new Promise<string>((resolveText, rejectText) => {
            resolveBody = resolveText;
            rejectBody = rejectText;
          });
          // Read whether or not text() is called; a failure nobody asks about is not an unhandled rejection.
          body.catch(() => {});
          readBody(res, evidenceUrl, finish, fail);
          resolve({ status, headers: new NodeHeaders(res.headers), text: () => body });
        });
        req.end();
      };

      let target: URL;
      try {
        target = new URL(url);
      } catch {
        fail(new SourceError('network', `GET ${evidenceUrl} failed: not a valid URL`, { url: evidenceUrl }));
        return;
      }
      send(target, maxRedirects, true);
    });
}

/** Collects a response body and decodes its Content-Encoding; a body that ends early is 'truncated'. */
function readBody(
  res: IncomingMessage,
  url: string,
  done: (body: string) => void,
  fail: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  const status = res.statusCode;
  const truncated = (detail: string) =>
    new SourceError('truncated', `GET ${url}: the body broke off before its end (${detail})`, { url, status });
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  res.on('error', (error) => fail(truncated(describeCause(error))));
  res.on('close', () => {
    if (!ended) fail(truncated(`connection closed after ${size} bytes`));
  });
  res.on('end', () => {
    ended = true;
    if (!res.complete) {
      fail(truncated(`connection closed after ${size} bytes`));
      return;
    }
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    const encodings = (res.headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== '' && e !== 'identity');
    // An empty body stays empty whatever its coding says (a 204, or a server that labels every answer).
    if (encodings.length === 0 || raw.length === 0) {
      done(utf8(raw));
      return;
    }
    decode(raw, encodings).then(
      (decoded) => done(utf8(decoded)),
      (error: NodeJS.ErrnoException) => {
        if (error instanceof SourceError)
          fail(new SourceError(error.kind, `GET ${url}: ${error.message}`, { url, status }));
        else if (error.code === 'Z_BUF_ERROR')
          fail(truncated(`${encodings.join(', ')} stream ends early: ${error.message}`));
        else
          fail(
            new SourceError(
              'malformed',
              `GET ${url}: the ${encodings.join(', ')} body cannot be decoded (${describeCause(error)})`,
              { url, status },
            ),
          );
      },
    );
  });
}

/** Undoes the codings in reverse order of application (RFC 9110 8.4). */
async function decode(raw: Buffer, encodings: readonly string[]): Promise<Buffer> {
  let data = raw;
  for (let i = encodings.length - 1; i >= 0; i--) {
    const coding = encodings[i];
    if (coding === 'gzip' || coding === 'x-gzip') data = await zlibCall(zlib.gunzip, data);
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: a zlib header has 8 in its low nibble.
    else if (coding === 'deflate') data = await zlibCall((data[0] & 0x0f) === 8 ? zlib.inflate : zlib.inflateRaw, data);
    else if (coding === 'br') data = await zlibCall(zlib.brotliDecompress, data);
    else
      throw new SourceError('malformed', `Content-Encoding "${coding}" is not supported; expected gzip, deflate or br`);
  }
  return data;
}

function zlibCall(
  fn: (buf: Buffer, cb: (error: Error | null, result: Buffer) => void) => void,
  data: Buffer,
): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, (error, result) => (error ? reject(error) : resolve(result))));
}

/** UTF-8 text without a leading byte-order mark, as fetch's Response.text() gives it. */
function utf8(data: Buffer): string {
  const text = data.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function transportError(error: unknown, url: string, phase: Phase, status: number | undefined): SourceError {
  const detail = describeCause(error);
  if (phase === 'while reading the body') {
    return new SourceError('truncated', `GET ${url}: the body broke off before its end (${detail})`, { url, status });
  }
  return new SourceError('network', `GET ${url} failed ${phase} (${detail})`, { url, status });
}

/** Node's header object read through the WHATWG Headers methods the sources use. */
class NodeHeaders implements HttpHeadersLike {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  getSetCookie(): string[] {
    return this.raw['set-cookie'] ?? [];
  }
}

/** undici reports "fetch failed" and hides the real reason (ECONNRESET, other side closed...) in `cause`. */
function describeCause(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${e.message} [${code}]` : e.message);
      e = (e as { cause?: unknown }).cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}
