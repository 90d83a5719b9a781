/**
 * The kinds of work marketdeck runs as jobs. `resources` names what a kind writes: two jobs that write the
 * same thing never run at once (an update holds everything a fetch, an analyze and a precompute hold), so a
 * precompute asked for during an update waits for it instead of publishing half-analysed data twice.
 */
export const JOB_KINDS = {
  fetch: { description: 'download missing and stale bars from the sources', resources: ['bars'] },
  backfill: {
    description: 'fetch exactly the missing ranges coverage lists, one request per gap, in parallel',
    resources: ['bars'],
  },
  analyze: {
    description: 'indicators, signals, screener rows and breadth from the stored bars',
    resources: ['analysis'],
  },
  precompute: { description: 'build every dashboard payload into dashboard_cache', resources: ['cache'] },
  update: { description: 'fetch, then analyze, then precompute', resources: ['bars', 'analysis', 'cache'] },
  report: {
    description: 'prefetch tickers, then a deep analysis of each in concurrent batches, then one report',
    resources: ['bars', 'reports'],
  },
} as const satisfies Record<string, { description: string; resources: readonly string[] }>;

export type JobKind = keyof typeof JOB_KINDS;

export const JOB_KIND_NAMES = Object.keys(JOB_KINDS) as JobKind[];

export function isJobKind(value: string): value is JobKind {
  return Object.hasOwn(JOB_KINDS, value);
}
