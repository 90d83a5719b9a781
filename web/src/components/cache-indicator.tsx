import { statusStore } from '../app-state.js';
import { cacheSummary } from '../state/cache-summary.js';
import { fmtTime } from '../state/format.js';
import { useStore } from '../store.js';

/** Fresh or expired dashboard cache, its TTL and when it was generated, in the toolbar of every page. */
export function CacheIndicator() {
  const status = useStore(statusStore);
  if (!status) return <span class="cache-indicator">cache …</span>;
  const { cache } = status;
  const { state, text } = cacheSummary(status);
  return (
    <span
      class={`cache-indicator ${state}`}
      title={`dashboard cache: ${cache.fresh} fresh / ${cache.expired} expired of ${cache.total} entries; TTL ${cache.ttlMinutes} min; generated at ${fmtTime(cache.lastPrecompute)}`}
      data-testid="cache-indicator"
    >
      <span class="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
