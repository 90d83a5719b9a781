import type { HttpGet } from './http-get.js';
import { createSocketHttpGet, type SocketHttpGetOptions } from './http1/create-socket-http-get.js';

export type HttpGetOptions = SocketHttpGetOptions;

/**
 * The HttpGet the sources use unless told otherwise: marketdeck's own kept-alive HTTP/1.1 connections, the
 * cheapest transport per request measured here, which is what bounds a whole-market fetch.
 */
export function createHttpGet(options: HttpGetOptions): HttpGet {
  return createSocketHttpGet(options);
}
