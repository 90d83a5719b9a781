import type { JobRun } from '../../domain/job-run.js';
import { partialOf } from '../../jobs/job-handler.js';
import type { JobKind } from '../../jobs/job-kinds.js';
import { JobParamsError, parseJobParams } from '../../jobs/job-params.js';
import { createJobRuntime } from '../../jobs/job-runtime.js';
import { lockPipeline as lockDatabasePipeline } from '../../jobs/pipeline-lock.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { formatTable } from '../output.js';
import { describeCancelledRun } from './describe-cancelled-run.js';
import { JobProgressView } from './job-progress-view.js';
import { stopOnInterrupt } from './stop-on-interrupt.js';

export interface RunJobInCliOptions {
  /** No progress on stderr (a `--json` caller that wants none). */
  quiet?: boolean;
  /**
   * Sees the run once it ended, whatever its status, before a failed or cancelled run is thrown: a command
   * prints its summary from the run's metrics here, which a failed fetch has too.
   */
  onFinished?: (run: JobRun) => void | Promise<void>;
  /** The command's own summary lists a partial run's failed items: stderr says only that the run was partial. */
  listsFailures?: boolean;
}

/**
 * Runs one job to the end through the in-process queue, so a command's run is recorded in job_runs like a
 * scheduled one and never overlaps an equal job of this process. The params are checked against the kind's
 * schema first, as the API checks them (a refused one is a usage error, exit 2). Progress goes to stderr (see
 * JobProgressView). Ctrl-C cancels the job this command queued: it stops after the work in hand, what it
 * stored stays stored and the run ends cancelled; a second Ctrl-C quits at once. Throws naming the job when it
 * fails or is cancelled; a partial run (some tickers or files failed, the rest done) sets exit code 3 and lists
 * the failed items with their reasons on stderr, which a `--json` caller's stdout never mixes with.
 */
export async function runJobInCli(
  ctx: CliContext,
  kind: JobKind,
  params: Record<string, unknown>,
  opts: RunJobInCliOptions = {},
): Promise<JobRun> {
  let checked: Record<string, unknown>;
  try {
    checked = parseJobParams(kind, params);
  } catch (error) {
    if (error instanceof JobParamsError) throw new UsageError(error.message);
    throw error;
  }
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
  const progress = opts.quiet
    ? null
    : new JobProgressView(kind, typeof checked.source === 'string' ? checked.source : undefined);
  if (progress) {
    queue.subscribe((e) => {
      if (e.type === 'progress') progress.update(e.progress);
    });
  }
  let interrupted = false;
  let stopListening = () => {};
  try {
    const handle = await queue.enqueue(kind, checked);
    if (handle.joined) process.stderr.write(`marketdeck: joined the ${kind} job ${handle.id} already running\n`);
    if (ctx.config.redisUrl !== '') await warnWithoutWorkers(ctx, kind);
    // A joined run is another's request too: Ctrl-C only stops this command's wait for it.
    if (!handle.joined) {
      stopListening = stopOnInterrupt(
        `stopping ${kind} job ${handle.id} after the work in hand; what it stored stays (Ctrl-C again to quit at once)`,
        () => {
          interrupted = true;
          void queue.cancel(handle.id).catch(() => {});
        },
      );
    }
    const run = await handle.done;
    progress?.finish();
    await opts.onFinished?.(run);
    if (run.status === 'partial') reportPartial(run, opts.listsFailures === true);
    else if (run.status === 'cancelled' && interrupted) {
      throw new Error(`${kind} job ${run.id} cancelled with Ctrl-C; what it stored before stays stored`);
    } else if (run.status === 'cancelled') {
      throw new Error(describeCancelledRun(run));
    } else if (run.status !== 'succeeded')
      throw new Error(`${kind} job ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`);
    return run;
  } finally {
    stopListening();
    progress?.finish();
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

function reportPartial(run: JobRun, listedElsewhere: boolean): void {
  process.exitCode = EXIT_PARTIAL;
  const failed = listedElsewhere ? [] : (partialOf(run.metrics)?.failed ?? []);
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

/** A job queued where no worker listens waits until one starts: the user hears it instead of a silent wait. */
async function warnWithoutWorkers(ctx: CliContext, kind: string): Promise<void> {
  try {
    const { countQueueWorkers } = await import('../../jobs/queue/queue-status.js');
    if ((await countQueueWorkers(ctx.config)) > 0) return;
    process.stderr.write(
      `marketdeck: no worker is connected to the queue; the ${kind} job waits until one starts (marketdeck worker)\n`,
    );
  } catch {
    // The queue's own errors reach the user through the job; this is only a hint.
  }
}
