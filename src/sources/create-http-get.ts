import type { HttpGet } from './http-get.js';
import { createSocketHttpGet } from './http1/create-socket-http-get.js';

export interface HttpGetOptions {
  /** Time allowed for one request, headers and body together (redirects included). */
  timeoutMs: number;
  /** Sent unless the caller sets its own. */
  userAgent?: string;
  /** Connections kept per host (default 256, the most --max-concurrent allows). */
  maxSockets?: number;
}

/**
 * The HttpGet the sources use unless told otherwise: marketdeck's own kept-alive HTTP/1.1 connections, the
 * cheapest transport per request measured here, which is what bounds a whole-market fetch.
 */
export function createHttpGet(options: HttpGetOptions): HttpGet {
  return createSocketHttpGet(options);
}
