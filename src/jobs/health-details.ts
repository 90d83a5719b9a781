import type { HealthSample, HealthSampleRepo } from '../store/store.js';

/** The last hours of health samples as columns for the charts, and the latest sample whole. */
export interface HealthDetails {
  latest: { at: string; values: Record<string, unknown> } | null;
  hours: number;
  /** Aligned arrays, one entry per stored sample, oldest first; null where a sample lacks the figure. */
  series: {
    at: number[];
    cpuPercent: (number | null)[];
    processCpuPercent: (number | null)[];
    memoryUsedPercent: (number | null)[];
    rssMb: (number | null)[];
    diskFreeGb: (number | null)[];
    eventLoopP99Ms: (number | null)[];
    databaseMb: (number | null)[];
    walMb: (number | null)[];
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const mb = (v: unknown) => {
  const n = num(v);
  return n === null ? null : Math.round((n / 1_048_576) * 10) / 10;
};

/** Reads `hours` of samples (24 by default) into columns; `latest` is the fresh sample when one is given. */
export async function healthDetails(
  repo: HealthSampleRepo | undefined,
  opts: { now?: Date; hours?: number; latest?: HealthSample } = {},
): Promise<HealthDetails> {
  const now = opts.now ?? new Date();
  const hours = opts.hours ?? 24;
  const samples = repo ? await repo.list(new Date(now.getTime() - hours * 3_600_000)) : [];
  const series: HealthDetails['series'] = {
    at: [],
    cpuPercent: [],
    processCpuPercent: [],
    memoryUsedPercent: [],
    rssMb: [],
    diskFreeGb: [],
    eventLoopP99Ms: [],
    databaseMb: [],
    walMb: [],
  };
  for (const s of samples) {
    const v = s.values;
    const total = num(v.memoryTotalBytes);
    const available = num(v.memoryAvailableBytes);
    const db = (v.database ?? null) as Record<string, unknown> | null;
    const disk = num(v.diskFreeBytes);
    series.at.push(Math.floor(s.at.getTime() / 1000));
    series.cpuPercent.push(num(v.cpuPercent));
    series.processCpuPercent.push(num(v.processCpuPercent));
    series.memoryUsedPercent.push(
      total && available !== null ? Math.round((1000 * (total - available)) / total) / 10 : null,
    );
    series.rssMb.push(mb(v.rssBytes));
    series.diskFreeGb.push(disk === null ? null : Math.round((disk / 1_073_741_824) * 100) / 100);
    series.eventLoopP99Ms.push(num((v.eventLoopDelayMs as Record<string, unknown> | null)?.p99));
    series.databaseMb.push(mb(db?.sizeBytes));
    series.walMb.push(mb(db?.walBytes));
  }
  const latest = opts.latest ?? samples[samples.length - 1];
  return { latest: latest ? { at: latest.at.toISOString(), values: latest.values } : null, hours, series };
}
