import {
  announcedTooLarge,
  checkMaxBodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  decodeHttpBody,
  type HttpPhase,
  tooLargeBody,
  transportError,
} from '../http-body.js';
import { DEFAULT_USER_AGENT, type HttpGet, type HttpHeadersLike, type HttpResponse, maskUrl } from '../http-get.js';
import { LateForSlotError } from '../late-for-slot-error.js';
import { DEFAULT_MAX_REDIRECTS, isCredentialHeader, REDIRECT_STATUSES, redirectHop } from '../redirect-hop.js';
import { SourceError } from '../source.js';
import { whenAborted } from '../when-aborted.js';
import type { Http1Connection } from './http1-connection.js';
import { Http1ConnectionPool } from './http1-connection-pool.js';
import type { HeaderList } from './http1-response-reader.js';

export interface SocketHttpGetOptions {
  /** Time allowed for one request, headers and body together (redirects included). */
  timeoutMs: number;
  /** Time allowed to open a connection, TCP and TLS (default 5 s; see Http1ConnectionPoolOptions). */
  connectTimeoutMs?: number;
  userAgent?: string;
  /** Connections kept open per origin (default 256, the most --max-concurrent allows). */
  maxSockets?: number;
  /** Redirects followed before giving up (default 20, as fetch does). */
  maxRedirects?: number;
  /** An idle kept-alive connection is closed after this long (default 30 s). */
  idleTimeoutMs?: number;
  /**
   * Largest answer accepted, as received and as decoded (default 32 MiB): past it the request fails as
   * 'too-large' and its connection is closed, the rest never read.
   */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_SOCKETS = 256;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** What this transport can decode; sent as Accept-Encoding unless the caller sets its own. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** A header name is a token; a value holds no line break or NUL (which would smuggle in another header). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const HEADER_VALUE_BAD = /[\r\n\0]/;

/**
 * HttpGet over kept-alive HTTP/1.1 connections of its own (node:net, node:tls), for the whole-market fetch.
 * Measured on a 2-core machine against the market test server at 20 ms: about a third of node:http's CPU per
 * request, and each request is written to its socket in the call that sends it, where node:http defers the
 * write to a later tick behind every promise continuation already queued. A fetch run sends thousands of
 * small GETs to one host, so both decide how close it gets to concurrency / latency.
 *
 * Same contract and failure kinds as createFetchHttpGet (global fetch, the other transport): the timeout
 * firing (headers and body together) -> 'timeout'; a refused or reset connection -> 'network'; the body
 * breaking off -> 'truncated'; an answer that is not HTTP/1.x -> 'network' before the headers, 'truncated'
 * after; an answer past `maxBodyBytes` (announced, received or decoded) -> 'too-large'; the caller's abort passed
 * on unchanged. gzip, deflate and br are decoded; redirects followed by the rules of redirectHop (credential
 * headers stay with their origin); a request that meets a kept-alive connection the server had just closed is
 * sent once more on a new one.
 */
export function createSocketHttpGet(options: SocketHttpGetOptions): HttpGet {
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  if (!(Number.isInteger(maxSockets) && maxSockets >= 1)) {
    throw new RangeError(`maxSockets ${maxSockets} is not valid; expected a whole number of connections >= 1`);
  }
  const pool = new Http1ConnectionPool({
    maxSockets,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeoutMs = options.timeoutMs;
  const maxBodyBytes = checkMaxBodyBytes(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

  return (url, init) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const callerSignal = init.signal;
      if (callerSignal?.aborted) {
        reject(callerSignal.reason);
        return;
      }
      let evidenceUrl = maskUrl(url);
      const fields = new Map<string, string>([
        ['user-agent', userAgent],
        ['accept-encoding', ACCEPT_ENCODING],
      ]);
      for (const [name, value] of Object.entries(init.headers ?? {})) {
        const key = name.toLowerCase();
        if (!HEADER_NAME.test(key) || HEADER_VALUE_BAD.test(value)) {
          reject(
            new SourceError(
              'bad-request',
              `GET ${evidenceUrl}: header ${JSON.stringify(name)} cannot be sent; expected a token name and a value without line breaks`,
              { url: evidenceUrl },
            ),
          );
          return;
        }
        fields.set(key, value);
      }
      let headerText = '';
      for (const [name, value] of fields) headerText += `${name}: ${value}\r\n`;
      /** Past a redirect to another origin the credential headers stay behind, for every later hop too. */
      const leaveCredentials = () => {
        let kept = '';
        for (const [name, value] of fields)
          if (!isCredentialHeader(name, init.credentialHeaders)) kept += `${name}: ${value}\r\n`;
        headerText = kept;
      };

      let phase: HttpPhase = 'before the response headers';
      let status: number | undefined;
      let settled = false;
      let current: Http1Connection | null = null;
      let withdraw: (() => void) | null = null;
      let resolveBody: (body: string) => void = () => {};
      let rejectBody: (error: unknown) => void = () => {};

      /** The first failure wins: it goes to whoever waits (the caller for headers, text() for the body). */
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        withdraw?.();
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
          new SourceError('timeout', `GET ${evidenceUrl} timed out after ${timeoutMs} ms ${phase}`, {
            url: evidenceUrl,
            status,
          }),
        );
      }, timeoutMs);
      const stopWaiting = callerSignal ? whenAborted(callerSignal, () => fail(callerSignal.reason)) : null;
      const cleanup = () => {
        clearTimeout(timer);
        stopWaiting?.();
      };

      const send = (target: URL, redirectsLeft: number, mayRetry: boolean) => {
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          fail(
            new SourceError(
              'network',
              `GET ${evidenceUrl} failed: protocol "${target.protocol}" is not supported; expected http: or https:`,
              { url: evidenceUrl },
            ),
          );
          return;
        }
        const head = `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n${headerText}\r\n`;
        // A request failed while waiting for a connection withdrew itself (see fail), so this runs unsettled.
        withdraw = pool.take(target, (connection) => {
          withdraw = null;
          current = connection;
          const reused = connection.requestsSent > 0;
          const chunks: Buffer[] = [];
          let size = 0;
          let encoding: string | undefined;
          let redirect: URL | null = null;
          connection.request(
            head,
            {
              head(h) {
                if (settled) return;
                const location = h.headers.get('location')?.[0];
                if (REDIRECT_STATUSES.has(h.status) && location !== undefined) {
                  if (redirectsLeft <= 0) {
                    fail(
                      new SourceError('network', `GET ${evidenceUrl} redirected more than ${maxRedirects} times`, {
                        url: evidenceUrl,
                        status: h.status,
                      }),
                    );
                    return;
                  }
                  try {
                    const hop = redirectHop(target, location, evidenceUrl, h.status);
                    if (hop.crossOrigin) leaveCredentials();
                    redirect = hop.target;
                  } catch (error) {
                    fail(error);
                  }
                  return;
                }
                const announced = announcedTooLarge(
                  h.headers.get('content-length')?.[0],
                  evidenceUrl,
                  h.status,
                  maxBodyBytes,
                );
                if (announced !== null) {
                  fail(announced);
                  return;
                }
                status = h.status;
                encoding = h.headers.get('content-encoding')?.join(', ');
                phase = 'while reading the body';
                const body = new Promise<string>((resolveText, rejectText) => {
                  resolveBody = resolveText;
                  rejectBody = rejectText;
                });
                // Read whether or not text() is called; a failure nobody asks about is not an unhandled rejection.
                body.catch(() => {});
                resolve({ status, headers: new HeaderListView(h.headers), text: () => body });
              },
              data(chunk) {
                // Counted whatever the answer (a redirect's body too): past the limit the connection is closed.
                size += chunk.length;
                if (size > maxBodyBytes) fail(tooLargeBody(evidenceUrl, status, maxBodyBytes, 'received'));
                else if (redirect === null) chunks.push(chunk);
              },
              end(reusable) {
                current = null;
                pool.release(connection, reusable);
                if (settled) return;
                if (redirect !== null) {
                  evidenceUrl = maskUrl(redirect.href);
                  send(redirect, redirectsLeft - 1, true);
                  return;
                }
                init.onAnswered?.(status ?? 0);
                const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
                decodeHttpBody(raw, encoding, evidenceUrl, status, maxBodyBytes, finish, fail);
              },
              error(error) {
                current = null;
                connection.destroy();
                if (settled) return;
                // A kept-alive connection the server closed while it sat idle fails on first use: the request never
                // reached the server, so it is sent once more on a new connection (what HTTP clients do for GETs).
                if (!error.answered && reused && mayRetry && phase === 'before the response headers') {
                  send(target, redirectsLeft, false);
                  return;
                }
                fail(transportError(error, evidenceUrl, phase, status));
              },
              late(lateMs) {
                // Nothing was sent and the connection is open: it serves the next request.
                current = null;
                pool.release(connection, true);
                fail(new LateForSlotError(evidenceUrl, lateMs));
              },
              // The slot is the first request's; a redirect's hop follows the answer it was given.
            },
            redirectsLeft === maxRedirects ? init.sendBy : undefined,
          );
        });
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

/** The reader's header list through the WHATWG Headers methods the sources use. */
class HeaderListView implements HttpHeadersLike {
  constructor(private readonly list: HeaderList) {}

  get(name: string): string | null {
    const values = this.list.get(name.toLowerCase());
    return values === undefined ? null : values.join(', ');
  }

  getSetCookie(): string[] {
    return [...(this.list.get('set-cookie') ?? [])];
  }
}
