import { join } from 'node:path';
import { runFetch } from '../../src/fetch/fetch-engine.js';
import { HttpStats, instrumentHttpGet } from '../../src/fetch/instrumented-http-get.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startTestServer } from '../../test/server/server-test-kit.js';
import { runCrashLoop } from '../../test/support/crash-loop.js';
import { fuzzApi } from '../../test/support/fuzz-api.js';
import { startMarketTestServer } from '../../test/support/market-test-server.js';
import { atLeast, atMost, type BenchFigure, type BenchSection, info } from '../bench-section.js';
import { measureThrottledFetch } from '../reliability/measure-throttled-fetch.js';
import { runMixedLoad } from '../reliability/mixed-load-run.js';
import { runSoak } from '../reliability/soak.js';

/** Overridable lengths, so a quick look can be taken; the figures use the defaults. */
const KILLS_PER_COMMAND = Number(process.env.RELIABILITY_KILLS ?? 20);
const MIXED_SECONDS = Number(process.env.RELIABILITY_MIXED_SECONDS ?? 60);
const SOAK_SECONDS = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 600);
const FUZZ_REQUESTS = Number(process.env.RELIABILITY_FUZZ_REQUESTS ?? 10_000);
const GIVE_UP_AFTER_MS = 30_000;

/**
 * The reliability figures of issue 15: crash safety over 80 kills, a mixed load on one SQLite file, a source
 * that answers 429 to everything, two throttled sources, 10,000 fuzzed requests and a soak of serve.
 */
export const reliabilitySection: BenchSection = {
  name: 'reliability',
  description: 'kills, locked databases, throttled and dead sources, fuzzed requests and a soak of serve',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};

    ctx.log(`crash loop: ${KILLS_PER_COMMAND} SIGKILLs each of fetch, analyze, precompute and serve...`);
    const crash = await runCrashLoop(KILLS_PER_COMMAND);
    details.crash = crash;
    const kills = Object.values(crash.kills).reduce((a, b) => a + b, 0);
    figures.push(info('SIGKILLs landed mid-run', kills, 'kills', JSON.stringify(crash.kills)));
    figures.push(atMost('bars lost or duplicated after the kills', crash.barMismatches, 'tickers', 0));
    figures.push(atMost('integrity_check failures after a kill', crash.integrityFailures, 'kills', 0));
    figures.push(atMost('analysis differing from a clean run', crash.analysisMismatches, 'tickers', 0));
    figures.push(atMost('doctor findings after the next runs', crash.doctorFindings.length, 'findings', 0));

    ctx.log(`mixed load for ${MIXED_SECONDS} s on one SQLite file...`);
    const mixed = await runMixedLoad(ctx.tmpDir, MIXED_SECONDS);
    details.mixed = mixed;
    figures.push(
      atMost('job records lost under mixed load', mixed.jobRecordsLost, 'jobs', 0, `${mixed.jobsPosted} jobs POSTed`),
    );
    figures.push(
      atMost(
        'SQLITE_BUSY reaching a user under mixed load',
        mixed.busyReachingUser,
        'times',
        0,
        `${mixed.requests} requests, ${mixed.cliRuns} CLI runs`,
      ),
    );
    figures.push(atMost('5xx under mixed load', mixed.serverErrors, 'answers', 0));

    ctx.log('a source that answers 429 to everything, 50 tickers...');
    const all429 = await allRateLimited(ctx.tmpDir);
    details.all429 = all429;
    figures.push(
      atMost(
        'all-429 source: run ends within FETCH_GIVE_UP_AFTER (30 s) + 5 s',
        all429.seconds,
        's',
        GIVE_UP_AFTER_MS / 1000 + 5,
        `${all429.failed} failed as ${all429.kinds}`,
      ),
    );

    for (const pattern of ['retry-after-2', 'per-symbol-429'] as const) {
      ctx.log(`throttled source (${pattern}), 200 tickers at 10 requests/s...`);
      const t = await measureThrottledFetch(pattern, 200);
      details[pattern] = t;
      figures.push(
        atLeast(
          `throttled (${pattern}): share of the accepted rate used`,
          t.share,
          'x',
          0.8,
          `${t.seconds} s, ${t.cooldowns} cool-downs, ${t.pausedSeconds} s paused`,
        ),
      );
    }

    ctx.log(`${FUZZ_REQUESTS} fuzzed API requests...`);
    const server = await startTestServer();
    try {
      const fuzz = await fuzzApi(server.base, FUZZ_REQUESTS, 15);
      details.fuzz = { requests: fuzz.requests, statuses: fuzz.statuses, serverErrors: fuzz.serverErrors.slice(0, 20) };
      figures.push(atMost(`5xx over ${fuzz.requests} fuzzed requests`, fuzz.serverErrors.length, 'answers', 0));
      figures.push(atMost('fuzzed /api/ answers not JSON', fuzz.notJson.length, 'answers', 0));
    } finally {
      await server.close();
    }

    ctx.log(`soak of serve for ${SOAK_SECONDS} s at 200 connections with event streams coming and going...`);
    const soak = await runSoak(ctx.tmpDir, SOAK_SECONDS);
    details.soak = soak;
    figures.push(
      atMost(
        `soak: serve RSS growth over ${SOAK_SECONDS} s`,
        soak.rssGrowthMb,
        'MB',
        50,
        `${soak.requests} requests (${soak.non2xx} non-2xx, ${soak.errors} errors), ${soak.sseOpened} event streams`,
      ),
    );
    return { figures, details };
  },
};

/** A fetch run of 50 tickers against a source answering 429 to everything, with the engine's production pacing. */
async function allRateLimited(dir: string): Promise<{ seconds: number; failed: number; kinds: string }> {
  const server = await startMarketTestServer({
    firstDay: '2024-06-03',
    lastDay: '2024-12-31',
    knobs: { faults: { rateLimited: 1 } },
  });
  const store = await SqliteStore.open(join(dir, 'all429.db'));
  try {
    const httpStats = new HttpStats();
    const source = new YahooChartSource({
      httpGet: instrumentHttpGet(createHttpGet({ timeoutMs: 15_000 }), httpStats),
      baseUrl: server.url,
    });
    const symbols = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const m = await runFetch({
      store,
      source,
      symbols,
      httpStats,
      options: { maxConcurrent: 12, maxAgeMs: 86_400_000, retries: 5, noProgressLimitMs: GIVE_UP_AFTER_MS },
    });
    return {
      seconds: m.seconds,
      failed: m.tickers.failed,
      kinds: [...new Set(m.failed.map((f) => f.kind))].join(', '),
    };
  } finally {
    await store.close();
    await server.close();
  }
}
