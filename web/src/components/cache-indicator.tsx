import { statusStore } from '../app-state.js';
import { fmtRelative, fmtTime } from '../state/format.js';
import { useStore } from '../store.js';

/** Fresh or expired dashboard cache, its TTL and when it was generated, in the toolbar of every page. */
export function CacheIndicator() {
  const status = useStore(statusStore);
  if (!status) return <span class="cache-indicator">cache …</span>;
  const { cache } = status;
  const fresh = cache.total > 0 && cache.expired === 0;
  const state = cache.total === 0 ? 'empty' : fresh ? 'fresh' : 'expired';
  return (
    <span
      class={`cache-indicator ${state}`}
      title={`dashboard cache: ${cache.fresh} fresh / ${cache.expired} expired of ${cache.total} entries; TTL ${cache.ttlMinutes} min; generated at ${fmtTime(cache.lastPrecompute)}`}
      data-testid="cache-indicator"
    >
      <span class="dot" aria-hidden="true" />
      cache {state} · TTL {cache.ttlMinutes} min · generated {fmtRelative(cache.lastPrecompute)}
    </span>
  );
}
