import {
  announcedTooLarge,
  checkMaxBodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  type HttpPhase as Phase,
  tooLargeBody,
  transportError,
  utf8,
} from './http-body.js';
import { maskUrl } from './mask-url.js';
import { DEFAULT_MAX_REDIRECTS, isCredentialHeader, REDIRECT_STATUSES, redirectHop } from './redirect-hop.js';
import { SourceError } from './source.js';

export { maskUrl };

/**
 * The one HTTP call a source makes. Sources receive it injected, so the fetch engine can wrap it with rate
 * limits and retries (sources never retry) and tests can replay recorded responses without a network.
 */
export type HttpGet = (url: string, init: HttpGetInit) => Promise<HttpResponse>;

export interface HttpGetInit {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /**
   * Headers of `headers` that carry credentials besides cookie, authorization and proxy-authorization: like
   * those, they are not sent on past a redirect to another origin.
   */
  credentialHeaders?: readonly string[];
  /**
   * Called once with the status when the last byte of the body has arrived, before it is decoded and
   * parsed: the fetch engine gives the request's concurrency slot back there, so that the next request is on
   * the wire while this answer is still being read into bars.
   */
  onAnswered?: (status: number) => void;
  /**
   * performance.now() time after which the request must not leave (its rate-limit slot has passed). A transport
   * that would send it later than this (a connection opening, or the request waiting for a free one) fails it
   * with LateForSlotError, sending nothing; one that cannot tell (global fetch) sends it.
   */
  sendBy?: number;
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
  /** Largest answer accepted, as received and as decoded (default 32 MiB); a larger one fails as 'too-large'. */
  maxBodyBytes?: number;
  /** Redirects followed before giving up (default 20). */
  maxRedirects?: number;
}

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; marketdeck/0.1)';

/**
 * HttpGet over global fetch with a per-request timeout. Network failures become SourceErrors of the kinds the
 * retry policy understands: the timeout firing -> 'timeout'; a refused or reset connection -> 'network';
 * the body breaking off after the headers -> 'truncated'; an answer past `maxBodyBytes` (announced, or
 * counted as it arrives, decoded) -> 'too-large', the rest left unread. An abort by the caller's own signal
 * is passed on unchanged (it is a cancellation, not a failure of the source). Redirects are followed here,
 * not by fetch, by the rules of redirectHop: fetch would carry a caller's Cookie header to any host.
 */
export function createFetchHttpGet(options: FetchHttpGetOptions): HttpGet {
  const doFetch = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxBytes = checkMaxBodyBytes(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  return async (url, init) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'user-agent': userAgent };
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    const fail = (error: unknown, evidenceUrl: string, phase: Phase, status?: number) =>
      mapFetchFailure(error, init.signal, timeout, options.timeoutMs, evidenceUrl, phase, status);
    let current = url;
    let evidenceUrl = maskUrl(url);
    let response: Response;
    for (let redirects = 0; ; redirects++) {
      try {
        response = await doFetch(current, { signal, headers, redirect: 'manual' });
      } catch (error) {
        throw fail(error, evidenceUrl, 'before the response headers');
      }
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) break;
      await discard(response);
      if (redirects >= maxRedirects) {
        throw new SourceError('network', `GET ${evidenceUrl} redirected more than ${maxRedirects} times`, {
          url: evidenceUrl,
          status: response.status,
        });
      }
      const hop = redirectHop(new URL(current), location, evidenceUrl, response.status);
      if (hop.crossOrigin) {
        for (const name of Object.keys(headers))
          if (isCredentialHeader(name, init.credentialHeaders)) delete headers[name];
      }
      current = hop.target.href;
      evidenceUrl = maskUrl(current);
    }
    const { status } = response;
    const announced = announcedTooLarge(response.headers.get('content-length'), evidenceUrl, status, maxBytes);
    if (announced !== null) {
      await discard(response);
      throw announced;
    }
    const answered = response;
    return {
      status,
      headers: answered.headers,
      text: async () => {
        try {
          const text = await readBody(answered, evidenceUrl, maxBytes);
          init.onAnswered?.(status);
          return text;
        } catch (error) {
          throw fail(error, evidenceUrl, 'while reading the body', status);
        }
      },
    };
  };
}

/** The body counted as it arrives (fetch has already undone its coding), given up once past `maxBytes`. */
async function readBody(response: Response, url: string, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Cancelling closes the connection: the rest of the flood is never read.
      await reader.cancel().catch(() => {});
      const coding = response.headers.get('content-encoding');
      throw tooLargeBody(url, response.status, maxBytes, coding ? `decoded from ${coding}` : 'received');
    }
    chunks.push(value);
  }
  return utf8(Buffer.concat(chunks, size));
}

/** A body nobody will read (a redirect's, a refused answer's): cancelled so its connection is not held. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
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
