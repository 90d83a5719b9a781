import { type JobContext, type JobHandler, type JobMetrics, partialOfSteps } from '../job-handler.js';

/**
 * update = fetch -> analyze -> precompute in one job, so the dashboard shows a day's data once it is all in.
 * Each step sees the update's params and reports progress under its own stage name; the first step that
 * throws fails the update (the steps before it stay done: every step is idempotent).
 */
export function createUpdateHandler(steps: {
  fetch: JobHandler;
  analyze: JobHandler;
  precompute: JobHandler;
}): JobHandler {
  return async (ctx) => {
    const metrics: JobMetrics = {};
    const durationsMs: Record<string, number> = {};
    for (const [name, step] of Object.entries(steps)) {
      ctx.signal.throwIfAborted();
      const started = performance.now();
      const child: JobContext = {
        ...ctx,
        progress: (p) => ctx.progress({ ...p, stage: `${name}${p.stage ? `/${p.stage}` : ''}` }),
      };
      ctx.progress({ done: 0, total: 0, stage: name, message: `${name} started` });
      try {
        metrics[name] = await step(child);
      } catch (error) {
        throw new Error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      durationsMs[name] = Math.round(performance.now() - started);
    }
    // A step's failed items make the whole update partial: the data of the rest is in.
    const partial = partialOfSteps(metrics);
    return partial ? { ...metrics, durationsMs, partial } : { ...metrics, durationsMs };
  };
}
