import type { JobRun } from '../../domain/job-run.js';
import { partialOf } from '../../jobs/job-handler.js';
import type { JobKind } from '../../jobs/job-kinds.js';
import { createJobRuntime } from '../../jobs/job-runtime.js';
import { lockPipeline as lockDatabasePipeline } from '../../jobs/pipeline-lock.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_PARTIAL } from '../exit-codes.js';
import { formatTable } from '../output.js';

/**
 * Runs one job to the end through the in-process queue, so a command's run is recorded in job_runs like a
 * scheduled one and never overlaps an equal job of this process. Progress goes to stderr on a terminal.
 * Throws naming the job when it fails; a partial run (some tickers or files failed, the rest done) sets
 * exit code 3 and lists the failed items with their reasons on stderr, which a `--json` caller's stdout
 * never mixes with.
 */
export async function runJobInCli(
  ctx: CliContext,
  kind: JobKind,
  params: Record<string, unknown>,
  opts: { quiet?: boolean } = {},
): Promise<JobRun> {
  const store = await ctx.store();
  const { queue } = createJobRuntime({
    store,
    config: ctx.config,
    log: (m) => process.stderr.write(`marketdeck: ${m}\n`),
    // One job runs here and the process exits after it: the analysis may store while it computes.
    exclusiveStore: true,
  });
  // A shared queue joins equal runs and lines up the rest itself, across machines; this file lock is one machine's.
  const unlock = ctx.config.redisUrl !== '' ? () => {} : await lockPipeline(ctx, kind);
  const showProgress = !opts.quiet && process.stderr.isTTY === true;
  if (showProgress) {
    queue.subscribe((e) => {
      if (e.type === 'progress') {
        process.stderr.write(`\r\x1b[K${kind} ${e.progress.stage}: ${e.progress.message}`);
      }
    });
  }
  try {
    const handle = await queue.enqueue(kind, params);
    const run = await handle.done;
    if (run.status === 'partial') reportPartial(run);
    else if (run.status !== 'succeeded')
      throw new Error(`${kind} job ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`);
    return run;
  } finally {
    if (showProgress) process.stderr.write('\r\x1b[K');
    await queue.close();
    unlock();
  }
}

/**
 * Holds the database's pipeline lock (see acquireCrossProcessLock) for a job that writes data, waiting for
 * another process's job to finish first: two updates at once would fetch and analyze the same tickers twice.
 */
export function lockPipeline(ctx: CliContext, kind: string): Promise<() => void> {
  return lockDatabasePipeline(ctx.config.db, {
    onWait: (holder) =>
      process.stderr.write(
        `marketdeck: another job on this database runs in process ${holder}; ${kind} waits for it\n`,
      ),
  });
}

/** Items shown on the terminal at most; the job's metrics (`marketdeck jobs --json`) hold all of them. */
const SHOWN_FAILURES = 20;

function reportPartial(run: JobRun): void {
  process.exitCode = EXIT_PARTIAL;
  const failed = partialOf(run.metrics)?.failed ?? [];
  const lines = [`marketdeck: ${run.kind} job ${run.id} partial: ${run.error ?? 'some items failed'}`];
  if (failed.length > 0) {
    const shown = failed.slice(0, SHOWN_FAILURES);
    lines.push(
      formatTable(
        ['failed', 'kind', 'reason'],
        shown.map((f) => [f.item, f.kind, f.reason]),
      ),
    );
    if (failed.length > shown.length) {
      lines.push(`... and ${failed.length - shown.length} more (marketdeck jobs --json shows them all)`);
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
