/** The metrics of one report run, saved in job_runs and as data/runs/<id>.json under `batch_metrics`. */
export interface BatchMetrics {
  session_id: string;
  timestamp: string;
  total_tickers: number;
  successful_tickers: number;
  failed_tickers: number;
  prefetch_duration_seconds: number;
  analysis_duration_seconds: number;
  total_duration_seconds: number;
  /** The prefetch plus every ticker's analysis time added up: what one ticker at a time would have taken. */
  estimated_sequential_time_seconds: number;
  time_savings_percentage: number;
  batch_size: number;
  total_batches: number;
  /** Resident memory at the end, and the highest seen after any batch, in MB. */
  memory_usage_mb: number;
  peak_memory_usage_mb: number;
  failed_ticker_list: { symbol: string; phase: 'prefetch' | 'analysis'; kind: string; reason: string }[];
  /** Failures by kind (prefetch:not-found, analysis:timeout, ...). */
  error_summary: Record<string, number>;
  /** Why the run went on one ticker at a time after more than half failed; null when it never did. */
  fallback_reason: string | null;
  /** Tickers by where their data came from: fetched per source, or already fresh in the store. */
  data_sources: Record<string, number>;
  /** Why some tickers were analysed from stored data (the prefetch failed for them); null when none was. */
  prefetch_notice: string | null;
  mode: 'batch' | 'sequential';
  analyst: string;
  token_usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The time saved against one ticker at a time, in words: a negative saving is no saving. */
export function describeTimeSaving(percentage: number): string {
  if (percentage > 0) return `${percentage} % faster than one at a time`;
  if (percentage < 0) return `${-percentage} % slower than one at a time`;
  return 'no faster than one at a time';
}
