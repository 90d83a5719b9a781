import type { Command } from 'commander';
import { type JobRun, type JobStatus, JOB_STATUSES as STATUSES } from '../../domain/job-run.js';
import { isJobKind, JOB_KIND_NAMES } from '../../jobs/job-kinds.js';
import { currentJobStatus } from '../../jobs/job-owner.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';

export function registerJobsCommand(program: Command, ctx: CliContext): void {
  program
    .command('jobs')
    .description('list job runs (fetch, analyze, precompute, update), newest first')
    .option('--limit <n>', 'how many runs to show (default 20)')
    .option('--kind <kind>', `only this kind: ${JOB_KIND_NAMES.join('|')}`)
    .option('--status <status>', `only this status: ${STATUSES.join('|')}`)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nFinished runs older than JOB_RETENTION_DAYS are pruned when a job queue starts.')
    .action(async (opts: { limit?: string; kind?: string; status?: string; json?: boolean }) => {
      const limit = parseIntOption('--limit', opts.limit, 1, 100_000) ?? 20;
      if (opts.kind !== undefined && !isJobKind(opts.kind)) {
        throw new UsageError(`--kind "${opts.kind}" is not a job kind; expected one of ${JOB_KIND_NAMES.join(', ')}`);
      }
      if (opts.status !== undefined && !STATUSES.includes(opts.status as JobStatus)) {
        throw new UsageError(`--status "${opts.status}" is not a job status; expected one of ${STATUSES.join(', ')}`);
      }
      const store = await ctx.readStore();
      const status = opts.status as JobStatus | undefined;
      // A dead owner's queued or running run shows as interrupted, so those statuses are filtered after that.
      const seenNow = status === 'interrupted' || status === 'queued' || status === 'running';
      const listed = await store.jobRuns.list({
        kind: opts.kind,
        status: seenNow ? undefined : status,
        limit: seenNow ? 100_000 : limit,
      });
      const runs = listed
        .map((r) => ({ ...r, status: currentJobStatus(r) }))
        .filter((r) => status === undefined || r.status === status)
        .slice(0, limit);
      if (opts.json) {
        printJson(runs.map(toJson));
        return;
      }
      if (runs.length === 0) {
        printLine('no job runs recorded');
        return;
      }
      printLine(
        formatTable(
          ['id', 'kind', 'status', 'created', 'duration', 'progress / error'],
          runs.map((r) => [
            r.id,
            r.kind,
            r.status,
            r.createdAt.toISOString().replace('T', ' ').slice(0, 19),
            durationOf(r) === null ? '' : `${((durationOf(r) as number) / 1000).toFixed(1)} s`,
            r.error ?? (r.progress ? `${r.progress.stage} ${r.progress.done}/${r.progress.total}` : ''),
          ]),
        ),
      );
    });
}

function durationOf(r: JobRun): number | null {
  return r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null;
}

function toJson(r: JobRun) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    params: r.params,
    progress: r.progress,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: durationOf(r),
    metrics: r.metrics,
    error: r.error,
  };
}
