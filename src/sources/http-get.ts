import { type HttpPhase as Phase, transportError } from './http-body.js';
import { SourceError } from './source.js';

/**
 * The one HTTP call a source makes. Sources receive it injected, so the fetch engine can wrap it with rate
 * limits and retries (sources never retry) and tests can replay recorded responses without a network.
 */
export type HttpGet = (url: string, init: HttpGetInit) => Promise<HttpResponse>;

export interface HttpGetInit {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /**
   * Called once with the status when the last byte of the body has arrived, before it is decoded and
   * parsed: the fetch engine gives the request's concurrency slot back there, so that the next request is on
   * the wire while this answer is still being read into bars.
   */
  onAnswered?: (status: number) => void;
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
          const text = await response.text();
          init.onAnswered?.(response.status);
          return text;
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
