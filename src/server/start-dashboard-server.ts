import { type Config, secretRedactor } from '../config/index.js';
import { HealthSampler } from '../jobs/health-sampler.js';
import { createJobRuntime, type JobRuntimeOptions } from '../jobs/job-runtime.js';
import { Scheduler } from '../jobs/scheduler.js';
import { CACHE_KEYS } from '../precompute/cache-keys.js';
import type { Store } from '../store/store.js';
import { type BuildAppOptions, buildApp } from './build-app.js';
import { DEFAULT_SERVER_LIMITS, startServer } from './start-server.js';

export interface DashboardServerOptions {
  store: Store;
  /** HOST, PORT and API_TOKEN as the server should use them (flags already applied). */
  config: Config;
  log?: (message: string) => void;
  /** The jobs' structured logger: a child per job. */
  logger?: JobRuntimeOptions['logger'];
  /** Sees every request as it arrives (the access log). */
  onRequest?: BuildAppOptions['onRequest'];
  /** Test seams for the job steps; the configured fetch and analysis by default. */
  runFetch?: JobRuntimeOptions['runFetch'];
  runAnalyze?: JobRuntimeOptions['runAnalyze'];
}

export interface DashboardServer {
  url: string;
  port: number;
  /** Stops the schedules, lets running jobs stop, closes the listener; the store stays open (the caller's). */
  stop(): Promise<void>;
}

/**
 * What `marketdeck serve` (and `up` after its steps) runs: the job queue (crashed runs marked interrupted),
 * the schedules with their catch-up, a first precompute when the cache is empty, and the HTTP API.
 */
export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const { store, config } = opts;
  // A job's error or a request URL may hold a secret; none reaches the log.
  const redact = secretRedactor(config);
  const rawLog = opts.log;
  const log = rawLog ? (message: string) => rawLog(redact(message)) : () => {};
  const runtime = createJobRuntime({
    store,
    config,
    log,
    logger: opts.logger,
    runFetch: opts.runFetch,
    runAnalyze: opts.runAnalyze,
    // A CLI update on the same database and the dashboard's own take turns.
    lockPipeline: true,
  });
  const { queue } = runtime;
  // Built first: a non-loopback HOST without API_TOKEN is refused before any job starts.
  // Requests arrive only once the server listens, after the health sampler below is made.
  const app = buildApp({ store, config, runtime, log, onRequest: opts.onRequest, sampleHealth: () => health.sample() });
  await queue.start();
  const health = new HealthSampler({ store, retentionDays: config.healthRetentionDays, diskPath: store.location });
  const scheduler = new Scheduler({
    queue,
    jobRuns: store.jobRuns,
    precomputeCron: config.precomputeCron,
    updateCron: config.updateCron,
    healthCron: config.healthSampleCron,
    sampleHealth: () => health.sampleAndStore(),
    log,
  });
  try {
    if (!(await store.cache.getEntry(CACHE_KEYS.overview))) {
      log('the dashboard cache is empty: precomputing before serving');
      const run = await (await queue.enqueue('precompute', {})).done;
      if (run.status !== 'succeeded') log(`precompute job ${run.id} ${run.status}: ${run.error ?? ''}`);
    }
    await scheduler.start();
    const server = await startServer(app, config.host, config.port, {
      ...DEFAULT_SERVER_LIMITS,
      headersTimeoutMs: config.serverHeadersTimeoutMs,
      bodyTimeoutMs: config.serverBodyTimeoutMs,
    });
    return {
      url: server.url,
      port: server.port,
      async stop() {
        scheduler.stop();
        health.close();
        await Promise.all([queue.close(), server.close()]);
      },
    };
  } catch (error) {
    scheduler.stop();
    health.close();
    await queue.close();
    throw error;
  }
}
