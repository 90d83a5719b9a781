import type { Command } from 'commander';
import { describeSchedules } from '../../jobs/describe-schedules.js';
import type { CliContext } from '../cli-context.js';
import { formatTable, printJson, printLine } from '../output.js';

export function registerSchedulesCommand(program: Command, ctx: CliContext): void {
  program
    .command('schedules')
    .description(
      'every scheduled job: cron expression, next and last run, last status and duration, 7-day success rate',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExpressions are read in America/New_York time, as the scheduler (and serve) reads them.')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.readStore();
      const c = ctx.config;
      const schedules = await describeSchedules({
        precomputeCron: c.precomputeCron,
        updateCron: c.updateCron,
        healthSampleCron: c.healthSampleCron,
        jobRuns: store.jobRuns,
        healthSamples: store.healthSamples,
      });
      if (opts.json) {
        printJson(schedules);
        return;
      }
      printLine(
        formatTable(
          ['schedule', 'setting', 'cron', 'next run', 'last run', 'status', 'duration', '7-day success'],
          schedules.map((s) => [
            s.name,
            s.setting,
            s.enabled ? s.cron : '(off)',
            s.nextRun?.replace('T', ' ').slice(0, 19) ?? '',
            s.lastRun?.startedAt?.replace('T', ' ').slice(0, 19) ?? 'never',
            s.lastRun?.status ?? '',
            s.lastRun?.durationMs === null || s.lastRun === null ? '' : `${(s.lastRun.durationMs / 1000).toFixed(1)} s`,
            s.last7d.successRate === null
              ? `${s.last7d.runs} runs`
              : `${(s.last7d.successRate * 100).toFixed(1)} % of ${s.last7d.runs}`,
          ]),
        ),
      );
    });
}
