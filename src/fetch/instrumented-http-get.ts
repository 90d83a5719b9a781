import type { HttpGet } from '../sources/http-get.js';
import { LateForSlotError } from '../sources/late-for-slot-error.js';
import { LatencyHistogram } from './latency-histogram.js';

/** What went over the wire during a run, counted below the sources so that they need not know. */
export class HttpStats {
  requests = 0;
  /** Requests that got no response at all (refused, reset, timed out before the headers). */
  failedRequests = 0;
  status429 = 0;
  status5xx = 0;
  /** Body characters read (UTF-16 units; equal to bytes for the ASCII JSON the sources return). */
  bytes = 0;
  /** Time from sending the request to the end of its body (or to its failure). */
  readonly latency = new LatencyHistogram();
  readonly statuses = new Map<number, number>();

  snapshot(): {
    requests: number;
    failedRequests: number;
    status429: number;
    status5xx: number;
    bytes: number;
    statuses: Record<string, number>;
    latencyMs: ReturnType<LatencyHistogram['summary']>;
  } {
    return {
      requests: this.requests,
      failedRequests: this.failedRequests,
      status429: this.status429,
      status5xx: this.status5xx,
      bytes: this.bytes,
      statuses: Object.fromEntries([...this.statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      latencyMs: this.latency.summary(),
    };
  }
}

/**
 * Wraps the HttpGet handed to a source so that every request is counted: requests, statuses, 429s, body
 * size and latency. The source calls it as it would the plain one; the numbers end up in the run's metrics.
 */
export function instrumentHttpGet(
  inner: HttpGet,
  stats: HttpStats,
  now: () => number = performance.now.bind(performance),
): HttpGet {
  return async (url, init) => {
    const started = now();
    let response: Awaited<ReturnType<HttpGet>>;
    try {
      response = await inner(url, init);
    } catch (error) {
      // Not sent at all (its slot passed while its connection opened): no request the source saw.
      if (error instanceof LateForSlotError) throw error;
      stats.requests++;
      stats.failedRequests++;
      stats.latency.record(now() - started);
      throw error;
    }
    stats.requests++;
    const status = response.status;
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
    if (status === 429) stats.status429++;
    else if (status >= 500) stats.status5xx++;
    let recorded = false;
    const finish = () => {
      if (!recorded) {
        recorded = true;
        stats.latency.record(now() - started);
      }
    };
    return {
      status,
      headers: response.headers,
      text: async () => {
        try {
          const body = await response.text();
          stats.bytes += body.length;
          return body;
        } finally {
          finish();
        }
      },
    };
  };
}
