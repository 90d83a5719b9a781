import type { IncomingMessage, ServerResponse } from 'node:http';

/** Serves one matched request; `params` are the path's ':' segments, decoded, in order. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

/** One endpoint of the API. A POST route changes state: the app checks its token and origin before the handler. */
export interface Route {
  method: 'GET' | 'POST';
  /** Path segments; ':' marks a parameter. */
  pattern: string[];
  handler: RouteHandler;
}
