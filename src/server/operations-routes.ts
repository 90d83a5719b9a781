import type { Config } from '../config/index.js';
import { computeCoverage } from '../fetch/compute-coverage.js';
import { describeSchedules } from '../jobs/describe-schedules.js';
import { healthDetails } from '../jobs/health-details.js';
import { HealthSampler } from '../jobs/health-sampler.js';
import type { HealthSample, Store } from '../store/store.js';
import { resolveUniverse } from '../universe/resolve-universe.js';
import { UniverseError } from '../universe/universe-registry.js';
import { ApiError } from './api-error.js';
import { badParam, noParams } from './bad-param.js';
import { checkRemoteUniverse } from './remote-universe.js';
import type { Route } from './route.js';
import { sendJson } from './send-json.js';

export interface OperationsRoutesDeps {
  store: Store;
  config: Pick<Config, 'universeDir' | 'precomputeCron' | 'updateCron' | 'healthSampleCron' | 'healthRetentionDays'>;
  /** A fresh sample when none is stored: the server's own sampler; by default one made on the first such request. */
  sampleHealth?: () => Promise<HealthSample>;
}

/** The query of an endpoint: only the named parameters, each at most once; anything else is refused. */
function params(url: URL, names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (!names.includes(name) || out.has(name)) {
      throw badParam(name, value, `one each of ${names.join(', ')}`);
    }
    out.set(name, value);
  }
  return out;
}

/**
 * Operations over HTTP: data coverage (which tickers have which days, the gaps, the month strip), system and
 * database health (the latest sample and 24 hours of them as chart columns) and the schedules.
 */
export function operationsRoutes({ store, config, sampleHealth }: OperationsRoutesDeps): Route[] {
  // Without the server's sampler, one made on the first request that finds no stored sample.
  let sampler: HealthSampler | null = null;
  const freshSample =
    sampleHealth ??
    (() => {
      sampler ??= new HealthSampler({ store, retentionDays: config.healthRetentionDays, diskPath: store.location });
      return sampler.sample();
    });
  return [
    {
      method: 'GET',
      pattern: ['api', 'coverage'],
      handler: async (_req, res, url) => {
        const q = params(url, ['universe']);
        const spec = q.get('universe');
        let symbols: string[] | undefined;
        let name = 'cached';
        if (spec !== undefined && spec !== 'cached') {
          let checked: string;
          try {
            checked = await checkRemoteUniverse(spec, config.universeDir);
          } catch (error) {
            if (error instanceof ApiError)
              throw badParam('universe', spec, error.message.replace(/^.*?; (expected )?/, ''));
            throw error;
          }
          try {
            const universe = await resolveUniverse(checked, { store });
            symbols = universe.symbols;
            name = universe.name;
          } catch (error) {
            if (error instanceof UniverseError) throw badParam('universe', spec, error.message);
            throw error;
          }
        }
        sendJson(res, 200, await computeCoverage(store, { symbols, universe: name }));
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'health', 'details'],
      handler: async (_req, res, url) => {
        const q = params(url, ['hours']);
        const text = q.get('hours') ?? '24';
        const hours = /^\d+$/.test(text) ? Number(text) : Number.NaN;
        if (!(hours >= 1 && hours <= config.healthRetentionDays * 24)) {
          throw badParam('hours', text, `an integer 1-${config.healthRetentionDays * 24} (HEALTH_RETENTION_DAYS)`);
        }
        const details = await healthDetails(store.healthSamples, { hours });
        if (details.latest === null) {
          // No sample in the window (a server started with HEALTH_SAMPLE_CRON off): the series is empty too.
          const fresh = await freshSample();
          details.latest = { at: fresh.at.toISOString(), values: fresh.values };
        }
        sendJson(res, 200, details);
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'schedules'],
      handler: async (_req, res, url) => {
        noParams(url);
        const schedules = await describeSchedules({
          precomputeCron: config.precomputeCron,
          updateCron: config.updateCron,
          healthSampleCron: config.healthSampleCron,
          jobRuns: store.jobRuns,
          healthSamples: store.healthSamples,
        });
        sendJson(res, 200, { schedules });
      },
    },
  ];
}
