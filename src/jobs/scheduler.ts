import { Cron } from 'croner';
import { COMPLETED_JOB_STATUSES, type JobRun } from '../domain/job-run.js';
import type { JobRunRepo } from '../store/store.js';
import type { JobKind } from './job-kinds.js';
import type { JobQueue } from './job-queue.js';

export interface SchedulerOptions {
  queue: JobQueue;
  jobRuns: JobRunRepo;
  /** PRECOMPUTE_CRON; empty = no scheduled precompute. */
  precomputeCron: string;
  /** UPDATE_CRON; empty (the default) = no scheduled data update. */
  updateCron?: string;
  /**
   * Zone the cron expressions are read in. America/New_York by default: the update is meant to run after
   * the US close, which is a New York time whatever the machine's zone.
   */
  timezone?: string;
  log?: (message: string) => void;
  now?: () => Date;
  /** HEALTH_SAMPLE_CRON; empty or absent = no health samples. */
  healthCron?: string;
  /** Takes and stores one health sample (HealthSampler.sampleAndStore); run beside the queue, never in it. */
  sampleHealth?: () => Promise<unknown>;
}

export type ScheduleOutcome =
  | { kind: JobKind; action: 'started'; jobId: string; done: Promise<JobRun> }
  | { kind: JobKind; action: 'skipped'; reason: string };

interface Schedule {
  kind: JobKind;
  setting: string;
  cron: Cron;
}

/**
 * Runs precompute (and, when configured, the daily update) on cron schedules through the job queue. A tick
 * that finds the same kind queued or running is skipped, never stacked; at start, a schedule whose last
 * successful run is older than one interval runs at once (the process was down when it was due).
 */
export class Scheduler {
  private readonly schedules: Schedule[] = [];
  /** The health sample's schedule: a cheap read every minute, so not a job run of its own each time. */
  private healthCron: Cron | null = null;
  private readonly log: (message: string) => void;
  private readonly now: () => Date;
  private started = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? (() => new Date());
    const timezone = opts.timezone ?? 'America/New_York';
    const wanted: [JobKind, string, string][] = [
      ['precompute', 'PRECOMPUTE_CRON', opts.precomputeCron],
      ['update', 'UPDATE_CRON', opts.updateCron ?? ''],
    ];
    for (const [kind, setting, pattern] of wanted) {
      if (pattern.trim() === '') continue;
      let cron: Cron;
      try {
        // Paused until start(): constructing the scheduler must not run anything.
        const options = {
          paused: true,
          protect: true,
          timezone,
          catch: (error: unknown) => this.log(`${kind}: scheduled run failed to start: ${error}`),
        };
        cron = new Cron(pattern, options, async () => {
          const outcome = await this.tick(kind);
          if (outcome.action === 'started') await outcome.done;
        });
      } catch (error) {
        throw new RangeError(`${setting} "${pattern}" is not a cron expression: ${(error as Error).message}`);
      }
      this.schedules.push({ kind, setting, cron });
    }
    const sampleHealth = opts.sampleHealth;
    const healthPattern = opts.healthCron ?? '';
    if (sampleHealth && healthPattern.trim() !== '') {
      const run = async (): Promise<void> => {
        try {
          await sampleHealth();
        } catch (error) {
          this.log(`health: sample failed: ${(error as Error).message}`);
        }
      };
      try {
        this.healthCron = new Cron(healthPattern, { paused: true, protect: true, timezone }, run);
      } catch (error) {
        throw new RangeError(
          `HEALTH_SAMPLE_CRON "${healthPattern}" is not a cron expression: ${(error as Error).message}`,
        );
      }
    }
  }

  /** Catches up missed runs, then lets the schedules fire; returns what the catch-up did. */
  async start(): Promise<ScheduleOutcome[]> {
    if (this.started) return [];
    this.started = true;
    await this.opts.queue.start();
    if (this.healthCron) {
      // A first sample now: the health page has a figure before the first minute is up.
      void this.healthCron.trigger();
      this.healthCron.resume();
    }
    const outcomes: ScheduleOutcome[] = [];
    if (this.schedules.length === 0) this.log('nothing to schedule: PRECOMPUTE_CRON and UPDATE_CRON are both empty');
    for (const s of this.schedules) {
      const missed = await this.missedRun(s);
      if (missed) {
        this.log(`${s.kind}: ${missed}; running now`);
        outcomes.push(await this.tick(s.kind));
      }
      s.cron.resume();
      this.log(
        `${s.kind}: scheduled by ${s.setting} "${s.cron.getPattern()}", next at ${s.cron.nextRun()?.toISOString()}`,
      );
    }
    return outcomes;
  }

  /** One scheduled run of `kind`: queued unless one is already queued or running. */
  async tick(kind: JobKind): Promise<ScheduleOutcome> {
    const busy = (await this.opts.queue.active()).find((r) => r.kind === kind);
    if (busy) {
      const reason = `${kind} ${busy.id} is still ${busy.status}`;
      this.log(`${kind}: skipped, ${reason}`);
      return { kind, action: 'skipped', reason };
    }
    const handle = await this.opts.queue.enqueue(kind, {});
    this.log(`${kind}: started ${handle.id}`);
    const done = handle.done.then((run) => {
      this.log(`${kind}: ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
      return run;
    });
    return { kind, action: 'started', jobId: handle.id, done };
  }

  stop(): void {
    for (const s of this.schedules) s.cron.stop();
    this.healthCron?.stop();
  }

  /** Why the schedule missed a run while the process was down, or null when it did not. */
  private async missedRun(s: Schedule): Promise<string | null> {
    const now = this.now();
    const [a, b] = s.cron.nextRuns(2, now);
    if (!a || !b) return null;
    const intervalMs = b.getTime() - a.getTime();
    const [last] = await this.opts.jobRuns.list({ kind: s.kind, status: COMPLETED_JOB_STATUSES, limit: 1 });
    if (!last) return 'it never ran';
    const at = last.finishedAt ?? last.createdAt;
    const ageMs = now.getTime() - at.getTime();
    return ageMs > intervalMs
      ? `last ran ${Math.round(ageMs / 60_000)} min ago, interval ${intervalMs / 60_000} min`
      : null;
  }
}
