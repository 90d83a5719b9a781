import type { StatusAnswer } from './api-types.js';
import { fmtRelative } from './format.js';

export interface CacheSummary {
  /** The CSS class of the indicator: its dot is green only when fresh. */
  state: 'no-data' | 'empty' | 'fresh' | 'expired';
  text: string;
}

/**
 * What the toolbar's cache indicator says. A database without prices has nothing worth caching: the
 * entries the server writes for its empty pages are not fresh market figures, so it says "no data yet".
 */
export function cacheSummary(status: Pick<StatusAnswer, 'tickers' | 'bars' | 'cache'>, now = Date.now()): CacheSummary {
  const { cache } = status;
  if (status.tickers === 0 || status.bars === 0) return { state: 'no-data', text: 'no data yet' };
  if (cache.total === 0)
    return { state: 'empty', text: `cache empty · TTL ${cache.ttlMinutes} min · not precomputed yet` };
  const state = cache.expired === 0 ? 'fresh' : 'expired';
  return {
    state,
    text: `cache ${state} · TTL ${cache.ttlMinutes} min · generated ${fmtRelative(cache.lastPrecompute, now)}`,
  };
}
