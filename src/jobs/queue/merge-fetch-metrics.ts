import type { FetchRunMetrics } from '../../fetch/fetch-metrics.js';

/** Fields that are not added up across chunks: the last chunk's value or the largest stands for the run. */
const NOT_SUMMED = new Set([
  'runId',
  'source',
  'startedAt',
  'finishedAt',
  'seconds',
  'tickersPerSecond',
  'latencyMs',
  'concurrency',
  'http',
]);

/**
 * One fetch run's metrics from its chunks' (each a fetch of some of its tickers by some worker): counts
 * added up, failures and kept histories listed together, flags true when any chunk's is; latency and
 * concurrency are the largest a chunk saw. Seconds are the run's wall time, given by the caller.
 */
export function mergeFetchMetrics(runId: string, parts: readonly FetchRunMetrics[], seconds: number): FetchRunMetrics {
  if (parts.length === 0) throw new Error(`fetch run ${runId} has no chunk metrics to merge`);
  let out = structuredClone(parts[0]) as unknown as Record<string, unknown>;
  for (const part of parts.slice(1)) out = mergeValue(out, part, '') as Record<string, unknown>;
  const m = out as unknown as FetchRunMetrics;
  m.runId = runId;
  m.startedAt = parts.map((p) => p.startedAt).sort()[0];
  m.finishedAt = parts
    .map((p) => p.finishedAt)
    .sort()
    .at(-1)!;
  m.seconds = seconds;
  m.tickersPerSecond = seconds > 0 ? (m.tickers.fetched + m.tickers.skippedFresh + m.tickers.failed) / seconds : 0;
  return m;
}

function mergeValue(a: unknown, b: unknown, key: string): unknown {
  if (NOT_SUMMED.has(key)) return maxOf(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === true || b === true;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
      out[k] = k in out ? mergeValue(out[k], v, k) : v;
    }
    return out;
  }
  return a ?? b;
}

/** Per field, the larger of two numbers (objects field by field); anything else keeps the first. */
function maxOf(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? maxOf(out[k], v) : v;
    return out;
  }
  return a ?? b;
}
