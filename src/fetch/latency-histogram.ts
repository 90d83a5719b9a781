const MIN_MS = 0.1;
const GROWTH = 1.04;
const LOG_GROWTH = Math.log(GROWTH);
/** 0.1 ms .. ~10 minutes in 4% steps; slower samples land in the last bucket. */
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_GROWTH) + 1;

/**
 * Request latencies of a run in fixed memory: log-spaced buckets 4% wide, so a run of 10 requests and one
 * of 10 million cost the same and percentiles are within 2% of the exact value.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i]++;
    this.n++;
    this.sum += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.n;
  }

  /** p-th percentile (0-100) in ms; NaN when empty. */
  percentile(p: number): number {
    if (this.n === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        // The bucket's geometric middle: within half a step of every sample in it.
        const upper = MIN_MS * GROWTH ** i;
        return Math.min(this.maxMs, i === 0 ? upper : upper / Math.sqrt(GROWTH));
      }
    }
    return this.maxMs;
  }

  summary(): { count: number; p50: number; p95: number; max: number; mean: number } {
    return {
      count: this.n,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      max: round(this.maxMs),
      mean: round(this.n === 0 ? Number.NaN : this.sum / this.n),
    };
  }
}

function round(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 10) / 10 : Number.NaN;
}
