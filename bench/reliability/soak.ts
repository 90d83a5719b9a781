import { request } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cliEntry, runNodeChild } from '../../test/support/run-node-child.js';
import { processMemory } from '../support/process-memory.js';
import { startServeChild } from './serve-child.js';

export interface SoakFigures {
  seconds: number;
  connections: number;
  requests: number;
  non2xx: number;
  errors: number;
  sseOpened: number;
  /** serve's resident memory after the warm-up, at the end, and the growth between. */
  rssWarmMb: number;
  rssEndMb: number;
  rssGrowthMb: number;
}

/** Opens an event stream and drops it after `ms`, as a browser tab that is closed. */
function sseVisit(base: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${base}/api/events`, (res) => {
      res.resume();
      setTimeout(() => {
        req.destroy();
        resolve();
      }, ms);
    });
    req.on('error', () => resolve());
    req.end();
  });
}

/**
 * `marketdeck serve` under 200 connections of autocannon for `seconds` (the overview, the screener and the
 * job list in turn), with event-stream clients coming and going all the while; its resident memory is read
 * after a warm-up of a tenth of the run and at the end.
 */
export async function runSoak(dir: string, seconds: number, connections = 200): Promise<SoakFigures> {
  const db = join(dir, 'soak.db');
  const env = { MARKETDECK_DATA_DIR: join(dir, 'data') };
  for (const args of [['generate', '--tickers', '200', '--days', '500', '--seed', '15'], ['analyze'], ['precompute']]) {
    const r = await runNodeChild([cliEntry(), '--db', db, ...args], env);
    if (r.code !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  }
  // Entries that never expire during the soak: the memory measured is serving's, not rebuilding's.
  const serve = await startServeChild(db, {
    ...env,
    CACHE_EXPIRATION_MINUTES: '1440',
    SERVER_MAX_EVENT_STREAMS: '1000',
  });
  const pid = serve.child.pid!;
  let sseOpened = 0;
  let stopSse = false;
  const sse = (async () => {
    while (!stopSse) {
      const wave = Array.from({ length: 20 }, (_, i) => sseVisit(serve.base, 200 + i * 40));
      sseOpened += wave.length;
      await Promise.all(wave);
    }
  })();
  let rssWarmMb = Number.NaN;
  const warm = setTimeout(
    () => {
      rssWarmMb = processMemory(pid).rssMb;
    },
    Math.max(5_000, seconds * 100),
  );
  try {
    const result = await autocannon({
      url: serve.base,
      connections,
      duration: seconds,
      requests: [{ path: '/api/overview' }, { path: '/api/screener' }, { path: '/api/jobs' }],
    });
    const rssEndMb = processMemory(pid).rssMb;
    return {
      seconds,
      connections,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      sseOpened,
      rssWarmMb: Math.round(rssWarmMb),
      rssEndMb: Math.round(rssEndMb),
      rssGrowthMb: Math.round(rssEndMb - rssWarmMb),
    };
  } finally {
    clearTimeout(warm);
    stopSse = true;
    await sse;
    await serve.stop();
  }
}
