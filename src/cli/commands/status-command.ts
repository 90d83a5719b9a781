import type { Command } from 'commander';
import { buildStatus } from '../../server/build-status.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('database, tickers, bars, date range, freshness per source, cache and recent jobs')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await buildStatus(await ctx.readStore(), ctx.config);
      // With a shared queue: its parts, its workers and the rate limit every worker shares.
      const queue =
        ctx.config.redisUrl === ''
          ? null
          : await (await import('../../jobs/queue/queue-status.js')).readQueueStatus(ctx.config);
      if (opts.json) {
        printJson(queue ? { ...status, queue } : status);
        return;
      }
      const { database: db, cache } = status;
      printLine(`database   ${db.kind} ${db.location} (${formatBytes(db.sizeBytes)}, schema v${db.schemaVersion})`);
      printLine(`tickers    ${status.tickers}`);
      printLine(`bars       ${status.bars}`);
      printLine(`dates      ${status.dateRange.from ?? '-'} .. ${status.dateRange.to ?? '-'}`);
      if (status.sampleData) printLine(`data       ${status.dataNotice}`);
      printLine(`rejects    ${status.rejectedRows} rows kept in the rejects table`);
      const sourceRows = Object.entries(status.freshness.sources).map(([source, f]) => [
        source,
        f.fresh,
        f.stale,
        f.failed,
        f.never,
      ]);
      if (sourceRows.length > 0) {
        printLine(`\nfreshness (max age ${status.freshness.maxAge})`);
        printLine(formatTable(['source', 'fresh', 'stale', 'failed', 'never'], sourceRows));
      }
      printLine(
        `\ncache      ${cache.fresh} fresh, ${cache.expired} expired of ${cache.total} (TTL ${cache.ttlMinutes} min), last precompute ${cache.lastPrecompute ?? 'never'}`,
      );
      if (queue) {
        const p = queue.parts;
        printLine(
          `\nqueue      ${queue.redis} prefix ${queue.prefix}: ${queue.workers} workers; parts ${stateCounts(p)}`,
        );
        // Shown only while an analysis has chunks on the queue (its four states are all it counts).
        const a = queue.analysisChunks;
        if (Object.values(a).some((n) => n > 0)) printLine(`           analysis chunks ${stateCounts(a)}`);
        if (queue.unrenewed.length > 0) {
          printLine(
            `warning: ${queue.unrenewed.length} active part(s) not renewed for over half of WORKER_LOCK_MS (${queue.unrenewed.join(', ')}): ` +
              'their worker died or hangs; another worker takes them over once their lock lapses',
          );
        }
        // Whose limits: the workers' own when they recorded them, else this process's settings as a stand-in.
        const setBy = { workers: 'workers', settings: "this process's settings" } as const;
        // A window only some workers limit counts only their requests: the row says so, the warning says why.
        const limits = queue.rateLimits.flatMap((r) =>
          r.windows.map((w) => [
            r.source,
            w.window,
            w.limit,
            w.used,
            w.someWorkers ? 'some workers (see warning)' : setBy[r.limitsFrom],
          ]),
        );
        if (limits.length > 0) {
          printLine(formatTable(['source', 'shared limit', 'limit', 'used now', 'limits set by'], limits));
        }
        for (const r of queue.rateLimits) if (r.warning) printLine(`warning: ${r.warning}`);
      }
      if (status.recentJobs.length > 0) {
        printLine('\nrecent jobs');
        printLine(
          formatTable(
            ['id', 'kind', 'status', 'started', 'finished'],
            status.recentJobs.map((j) => [j.id, j.kind, j.status, j.startedAt, j.finishedAt]),
          ),
        );
      }
    });
}

/** A queue's jobs by the states a user acts on; a delayed job waits to be retried. */
function stateCounts(c: Record<string, number>): string {
  return `${c.waiting ?? 0} waiting, ${c.active ?? 0} active, ${c.delayed ?? 0} retrying, ${c.failed ?? 0} failed`;
}
