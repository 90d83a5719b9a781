import { Cron } from 'croner';
import { COMPLETED_JOB_STATUSES } from '../domain/job-run.js';
import type { HealthSampleRepo, JobRunRepo } from '../store/store.js';

/** One scheduled job as `marketdeck schedules` and the Pipeline page show it. */
export interface ScheduleInfo {
  /** 'precompute', 'update' or 'health' (the health sample). */
  name: string;
  /** The setting that holds the cron expression. */
  setting: string;
  /** The expression; empty when the schedule is off. */
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRun: string | null;
  lastRun: {
    id: string | null;
    status: string;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
  } | null;
  /** Runs finished in the last 7 days, those that did their work (succeeded or partial), and their share. */
  last7d: { runs: number; succeeded: number; successRate: number | null };
}

export interface DescribeSchedulesOptions {
  precomputeCron: string;
  updateCron: string;
  healthSampleCron: string;
  timezone?: string;
  jobRuns: JobRunRepo;
  healthSamples?: HealthSampleRepo;
  now?: Date;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Every schedule with its next run (from the cron expression, read in the scheduler's zone), its last run
 * and its success over 7 days (from the job runs; for the health sample, samples stored against the runs
 * its expression asked for). Read from the configuration and the store, so the CLI sees what a running
 * server's scheduler does without asking it.
 */
export async function describeSchedules(opts: DescribeSchedulesOptions): Promise<ScheduleInfo[]> {
  const now = opts.now ?? new Date();
  const timezone = opts.timezone ?? 'America/New_York';
  const since = new Date(now.getTime() - WEEK_MS);
  const out: ScheduleInfo[] = [];
  const jobs: [string, string, string][] = [
    ['precompute', 'PRECOMPUTE_CRON', opts.precomputeCron],
    ['update', 'UPDATE_CRON', opts.updateCron],
  ];
  for (const [name, setting, pattern] of jobs) {
    const runs = await opts.jobRuns.list({ kind: name, since, limit: 100_000 });
    const finished = runs.filter((r) => r.finishedAt !== null && r.finishedAt >= since && r.finishedAt <= now);
    const succeeded = finished.filter((r) => COMPLETED_JOB_STATUSES.includes(r.status)).length;
    const [last] = await opts.jobRuns.list({ kind: name, limit: 1 });
    out.push({
      ...scheduled(name, setting, pattern, timezone, now),
      lastRun: last
        ? {
            id: last.id,
            status: last.status,
            startedAt: last.startedAt?.toISOString() ?? null,
            finishedAt: last.finishedAt?.toISOString() ?? null,
            durationMs: last.startedAt && last.finishedAt ? last.finishedAt.getTime() - last.startedAt.getTime() : null,
          }
        : null,
      last7d: {
        runs: finished.length,
        succeeded,
        successRate: finished.length === 0 ? null : Math.round((succeeded / finished.length) * 1000) / 1000,
      },
    });
  }
  const samples = opts.healthSamples ? await opts.healthSamples.list(since) : [];
  const last = samples[samples.length - 1];
  const pattern = opts.healthSampleCron;
  // Samples are stored only when taken, so the share is of the runs the expression asked for since the first.
  const expected = samples.length === 0 ? 0 : expectedRuns(pattern, timezone, samples[0].at, now);
  out.push({
    ...scheduled('health', 'HEALTH_SAMPLE_CRON', pattern, timezone, now),
    lastRun: last
      ? {
          id: null,
          status: 'succeeded',
          startedAt: last.at.toISOString(),
          finishedAt: last.at.toISOString(),
          durationMs: typeof last.values.sampleMs === 'number' ? last.values.sampleMs : null,
        }
      : null,
    last7d: {
      runs: samples.length,
      succeeded: samples.length,
      successRate: expected === 0 ? null : Math.min(1, Math.round((samples.length / expected) * 1000) / 1000),
    },
  });
  return out;
}

/** What a schedule's setting says: its expression, whether it is on, and when it runs next. */
function scheduled(name: string, setting: string, pattern: string, timezone: string, now: Date) {
  return {
    name,
    setting,
    cron: pattern,
    timezone,
    enabled: pattern.trim() !== '',
    nextRun: nextRunOf(pattern, timezone, now),
  };
}

function nextRunOf(pattern: string, timezone: string, now: Date): string | null {
  if (pattern.trim() === '') return null;
  try {
    return new Cron(pattern, { paused: true, timezone }).nextRun(now)?.toISOString() ?? null;
  } catch {
    return null;
  }
}

/** Runs the expression asks for in [from, to], from its interval (counted exactly would be 10,080 a week). */
function expectedRuns(pattern: string, timezone: string, from: Date, to: Date): number {
  if (pattern.trim() === '') return 0;
  try {
    const [a, b] = new Cron(pattern, { paused: true, timezone }).nextRuns(2, from);
    if (!a || !b) return 1;
    return Math.max(1, Math.floor((to.getTime() - from.getTime()) / (b.getTime() - a.getTime())) + 1);
  } catch {
    return 0;
  }
}
