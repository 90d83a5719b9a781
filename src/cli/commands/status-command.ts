import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { fetchFreshness } from '../../fetch/fetch-freshness.js';
import { cacheStatus } from '../../precompute/cache-status.js';
import { describeDataSet } from '../../universe/describe-data-set.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('database, tickers, bars, date range, freshness per source, cache and recent jobs')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      const maxAgeMs = parseDuration(ctx.config.fetchMaxAge) ?? 86_400_000;
      const [info, dataSet, freshness, cache, jobs, rejects] = await Promise.all([
        store.info(),
        describeDataSet(store),
        fetchFreshness(store, maxAgeMs),
        cacheStatus(store, ctx.config),
        store.jobRuns.list({ limit: 5 }),
        store.rejects.count(),
      ]);
      const status = {
        database: {
          kind: info.kind,
          location: info.location,
          sizeBytes: info.sizeBytes,
          schemaVersion: info.schemaVersion,
        },
        tickers: dataSet.tickers,
        bars: dataSet.bars,
        dateRange: { from: dataSet.from, to: dataSet.to },
        sampleData: dataSet.sample,
        rejectedRows: rejects,
        freshness: { maxAge: ctx.config.fetchMaxAge, sources: freshness },
        cache,
        recentJobs: jobs.map((j) => ({
          id: j.id,
          kind: j.kind,
          status: j.status,
          startedAt: j.startedAt?.toISOString() ?? null,
          finishedAt: j.finishedAt?.toISOString() ?? null,
          error: j.error,
        })),
      };
      if (opts.json) {
        printJson(status);
        return;
      }
      printLine(
        `database   ${info.kind} ${info.location} (${formatBytes(info.sizeBytes)}, schema v${info.schemaVersion})`,
      );
      printLine(`tickers    ${dataSet.tickers}`);
      printLine(`bars       ${dataSet.bars}`);
      printLine(`dates      ${dataSet.from ?? '-'} .. ${dataSet.to ?? '-'}`);
      if (dataSet.sample) printLine(`data       ${dataSet.notice}`);
      printLine(`rejects    ${rejects} rows kept in the rejects table`);
      const sourceRows = Object.entries(freshness).map(([source, f]) => [source, f.fresh, f.stale, f.failed, f.never]);
      if (sourceRows.length > 0) {
        printLine(`\nfreshness (max age ${ctx.config.fetchMaxAge})`);
        printLine(formatTable(['source', 'fresh', 'stale', 'failed', 'never'], sourceRows));
      }
      printLine(
        `\ncache      ${cache.fresh} fresh, ${cache.expired} expired of ${cache.total} (TTL ${cache.ttlMinutes} min), last precompute ${cache.lastPrecompute ?? 'never'}`,
      );
      if (jobs.length > 0) {
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
