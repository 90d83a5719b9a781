import type { HealthSample, Store } from '../store/store.js';
import { storeCallTimings } from '../store/store-call-timings.js';
import { SystemProbe, type SystemProbeOptions } from './system-probe.js';

export interface HealthSamplerOptions extends SystemProbeOptions {
  store: Store;
  /** HEALTH_RETENTION_DAYS: older samples are pruned when a new one is stored. */
  retentionDays: number;
  now?: () => Date;
  /** A probe of one's own (tests); the machine's by default. */
  probe?: Pick<SystemProbe, 'read' | 'close'>;
}

/**
 * One health sample: the machine and process (SystemProbe), the database's size, WAL and row counts, and the
 * slowest store calls of this process; stored by the scheduler once a minute, and taken fresh for the page.
 * What any part could not read is named in `unavailable`; the sample itself is never lost for it.
 */
export class HealthSampler {
  private readonly probe: Pick<SystemProbe, 'read' | 'close'>;
  private readonly now: () => Date;

  constructor(private readonly opts: HealthSamplerOptions) {
    this.probe = opts.probe ?? new SystemProbe({ procRoot: opts.procRoot, diskPath: opts.diskPath });
    this.now = opts.now ?? (() => new Date());
  }

  async sample(): Promise<HealthSample> {
    const t0 = performance.now();
    const at = this.now();
    const system = this.probe.read();
    const unavailable = [...system.unavailable];
    let database: Record<string, unknown> | null = null;
    try {
      database = this.opts.store.diagnostics ? { ...(await this.opts.store.diagnostics.databaseHealth()) } : null;
      if (database === null) unavailable.push(`database figures: the ${this.opts.store.kind} store does not give them`);
    } catch (error) {
      unavailable.push(`database figures: ${(error as Error).message}`);
    }
    const slowest = storeCallTimings(this.opts.store)?.slowest(10) ?? [];
    const { unavailable: _u, ...figures } = system;
    return {
      at,
      values: {
        ...figures,
        database,
        slowestStoreCalls: slowest,
        unavailable,
        sampleMs: Math.round((performance.now() - t0) * 100) / 100,
      },
    };
  }

  /** Takes a sample, stores it and prunes those past the retention. */
  async sampleAndStore(): Promise<HealthSample> {
    const sample = await this.sample();
    const repo = this.opts.store.healthSamples;
    if (repo) {
      await repo.add(sample);
      await repo.prune(new Date(sample.at.getTime() - this.opts.retentionDays * 86_400_000));
    }
    return sample;
  }

  close(): void {
    this.probe.close();
  }
}
