/**
 * Names of the dashboard_cache entries precompute writes and the server reads; both sides build keys here so
 * that a renamed payload cannot leave one side reading a key nobody writes.
 */
export const CACHE_KEYS = {
  overview: 'overview',
  heatmap: 'heatmap',
  screener: 'screener',
  /** Which breadth universes and scopes are cached, and under which keys. */
  breadthIndex: 'breadth:index',
  pipelineTimeline24h: 'pipeline:timeline24h',
  pipelineFetchThroughput: 'pipeline:fetchThroughput',
  pipelineErrors30d: 'pipeline:errors30d',
  pipelineJobs7d: 'pipeline:jobs7d',
} as const;

/**
 * The universe the dashboard shows by default: 'cached', every stored ticker (the name the universe
 * resolver and the analysis give it).
 */
export const DEFAULT_UNIVERSE = 'cached';

/** `breadth:<universe>:<scope>`: `breadth:cached:all`, `breadth:cached:sector:Energy`, `breadth:sp500:all`. */
export function breadthCacheKey(universe: string, scope: string): string {
  return `breadth:${universe}:${scope}`;
}

/** `ticker:AAPL`: one ticker's summary for its page and hover cards. */
export function tickerCacheKey(symbol: string): string {
  return `ticker:${symbol}`;
}
