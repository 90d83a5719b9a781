import type { RemoteChunks } from '../../analysis/remote-chunks.js';
import { type RunAnalysisOptions, runAnalysis } from '../../analysis/run-analysis.js';
import type { Config } from '../../config/index.js';
import type { Store } from '../../store/store.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import type { JobContext, JobMetrics } from '../job-handler.js';
import type { StepRunner } from './step-runner.js';

/**
 * The analyze step of analyze and update jobs: params may name `universe` (default: every stored ticker)
 * or `tickers`, and `full: true` to recompute everything instead of only what changed.
 */
export function createConfiguredAnalyzeStep(
  store: Store,
  config: Pick<Config, 'analysisWorkers'>,
  opts: {
    exclusiveStore?: boolean;
    /**
     * Where a large pass sends its chunks (a shared queue's workers), per run; absent or null = this process
     * only.
     */
    remote?: (ctx: JobContext) => Promise<RemoteChunks | null>;
  } = {},
): StepRunner {
  return async (ctx) => {
    const p = ctx.params;
    const tickers =
      typeof p.tickers === 'string' || Array.isArray(p.tickers) ? (p.tickers as string | string[]) : undefined;
    const universe = await resolveUniverse(typeof p.universe === 'string' ? p.universe : undefined, { store, tickers });
    const options: RunAnalysisOptions = {
      universe: { name: universe.name, symbols: universe.symbols, sectors: universe.sectors },
      full: p.full === true,
      // A hand-picked list of tickers gets its per-ticker results, not a breadth "universe" of its own.
      storeBreadth: tickers === undefined,
      workers: config.analysisWorkers,
      // Writing while the workers compute keeps one transaction open on the shared connection: safe only
      // when no other job of this process writes meanwhile (a one-shot command), never inside serve.
      storeWhileComputing: opts.exclusiveStore === true,
      remote: (await opts.remote?.(ctx)) ?? undefined,
      onProgress: (done, total) =>
        ctx.progress({ done, total, stage: 'analyze', message: `${done} of ${total} tickers analysed` }),
    };
    ctx.signal.throwIfAborted();
    return (await runAnalysis(store, options)) as unknown as JobMetrics;
  };
}
