import type { Config } from '../../config/index.js';
import { parseSymbolList } from '../../domain/symbol.js';
import { type RunReportOptions, runReport } from '../../report/run-report.js';
import type { Store } from '../../store/store.js';
import type { JobMetrics, JobPartial } from '../job-handler.js';
import { parseJobParams } from '../job-params.js';
import type { StepRunner } from './step-runner.js';

/**
 * The report job: params name `tickers`, a `portfolio` (its holdings) or its `underperformers`, the
 * `analyst` (rules or llm), a `batchSize` and the `benchmark`. Some tickers failing leaves the run partial
 * with every failure listed; the metrics are kept whatever failed.
 */
export function createReportHandler(
  store: Store,
  config: Config,
  overrides: Pick<RunReportOptions, 'prefetch' | 'analyst' | 'freeMemoryBytes'> = {},
): StepRunner {
  return async (ctx) => {
    const p = parseJobParams('report', ctx.params);
    const tickers =
      p.tickers === undefined ? undefined : parseSymbolList(Array.isArray(p.tickers) ? p.tickers.join(',') : p.tickers);
    const result = await runReport({
      store,
      config,
      runId: ctx.id,
      request: { ...p, tickers },
      signal: ctx.signal,
      progress: (u) => ctx.progress(u),
      log: (line) => ctx.log(line),
      ...overrides,
    });
    const m = result.batch_metrics;
    const metrics = result as unknown as JobMetrics;
    if (m.failed_tickers === 0) return metrics;
    const partial: JobPartial = {
      message:
        m.successful_tickers === 0
          ? `all ${m.total_tickers} tickers failed`
          : `${m.failed_tickers} of ${m.total_tickers} tickers failed`,
      failed: m.failed_ticker_list.map((f) => ({ item: f.symbol, kind: `${f.phase}:${f.kind}`, reason: f.reason })),
    };
    return { ...metrics, partial };
  };
}
