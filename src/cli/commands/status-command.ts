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
      if (opts.json) {
        printJson(status);
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
