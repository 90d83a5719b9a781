const GB = 1024 ** 3;

/**
 * How many analysts run at once when DEEP_ANALYSIS_BATCH_SIZE is automatic: 3 for up to 10 tickers, 5 up to
 * 30, 8 up to 100, 12 beyond; halved when less than 2 GB of memory is free, doubled (at most 15) above 8 GB.
 */
export function autoBatchSize(tickers: number, freeMemoryBytes: number): number {
  let size = tickers <= 10 ? 3 : tickers <= 30 ? 5 : tickers <= 100 ? 8 : 12;
  if (freeMemoryBytes < 2 * GB) size = Math.max(1, Math.floor(size / 2));
  else if (freeMemoryBytes > 8 * GB) size = Math.min(15, size * 2);
  return size;
}

/** The report settings of the configuration (see settings.ts), as the batch runner reads them. */
export interface ReportBatchSettings {
  batchPrefetchEnabled: boolean;
  batchPrefetchMinHoldings: number;
  /** 0 = automatic. */
  deepAnalysisBatchSize: number;
}

export interface BatchPlan {
  /** Concurrent batches, or one ticker at a time. */
  mode: 'batch' | 'sequential';
  batchSize: number;
  /** Why this mode and size, for the log line at the start of a run. */
  why: string;
}

/**
 * Batch mode from BATCH_PREFETCH_MIN_HOLDINGS tickers on when BATCH_PREFETCH_ENABLED; otherwise one ticker
 * at a time. `override` is a run's own --batch-size.
 */
export function planBatches(
  tickers: number,
  settings: ReportBatchSettings,
  freeMemoryBytes: number,
  override?: number,
): BatchPlan {
  if (!settings.batchPrefetchEnabled) return { mode: 'sequential', batchSize: 1, why: 'BATCH_PREFETCH_ENABLED is off' };
  if (tickers < settings.batchPrefetchMinHoldings) {
    return {
      mode: 'sequential',
      batchSize: 1,
      why: `${tickers} ticker(s), fewer than BATCH_PREFETCH_MIN_HOLDINGS=${settings.batchPrefetchMinHoldings}`,
    };
  }
  if (override !== undefined) return { mode: 'batch', batchSize: override, why: `--batch-size ${override}` };
  if (settings.deepAnalysisBatchSize > 0) {
    return {
      mode: 'batch',
      batchSize: settings.deepAnalysisBatchSize,
      why: `DEEP_ANALYSIS_BATCH_SIZE=${settings.deepAnalysisBatchSize}`,
    };
  }
  const size = autoBatchSize(tickers, freeMemoryBytes);
  return {
    mode: 'batch',
    batchSize: size,
    why: `automatic for ${tickers} tickers with ${(freeMemoryBytes / GB).toFixed(1)} GB free`,
  };
}
