import type { Command } from 'commander';
import { HealthSampler } from '../../jobs/health-sampler.js';
import { createJobRuntime } from '../../jobs/job-runtime.js';
import { Scheduler } from '../../jobs/scheduler.js';
import type { CliContext } from '../cli-context.js';
import { printLine } from '../output.js';
import { stopSignal } from './stop-signal.js';

export function registerSchedulerCommand(program: Command, ctx: CliContext): void {
  program
    .command('scheduler')
    .description(
      'run scheduled jobs until stopped (Ctrl-C): precompute on PRECOMPUTE_CRON, update on UPDATE_CRON, health samples on HEALTH_SAMPLE_CRON',
    )
    .addHelpText(
      'after',
      '\nCron expressions are read in America/New_York time (the update is meant for after the US close).\n' +
        'A tick that finds the same job still running is skipped; a run missed while stopped runs at start.',
    )
    .action(async () => {
      const store = await ctx.store();
      const log = (m: string) => printLine(`${new Date().toISOString()} ${m}`);
      const { queue } = createJobRuntime({ store, config: ctx.config, log, lockPipeline: true });
      const health = new HealthSampler({
        store,
        retentionDays: ctx.config.healthRetentionDays,
        diskPath: store.location,
      });
      const scheduler = new Scheduler({
        queue,
        jobRuns: store.jobRuns,
        precomputeCron: ctx.config.precomputeCron,
        updateCron: ctx.config.updateCron,
        healthCron: ctx.config.healthSampleCron,
        sampleHealth: () => health.sampleAndStore(),
        log,
      });
      const stopped = stopSignal();
      await scheduler.start();
      const signal = await stopped;
      log(`${signal}: stopping the schedules and waiting for running jobs`);
      scheduler.stop();
      health.close();
      await queue.close();
    });
}
