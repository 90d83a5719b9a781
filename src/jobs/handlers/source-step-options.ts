import type { RateLimiter } from '../../fetch/rate-limiter.js';
import type { HttpGet } from '../../sources/http-get.js';

/** What a step that sends requests to a source may be given instead of building it from config. */
export interface SourceStepOptions {
  /** Replaces the network transport (a queue worker's kept-alive one, tests, benches). */
  httpGet?: HttpGet;
  /** The limiter of the source shared with other processes (a queue's workers); default: this process's own. */
  rateLimiter?: RateLimiter;
}
