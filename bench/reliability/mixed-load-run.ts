import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cliEntry, runNodeChild } from '../../test/support/run-node-child.js';
import { startServeChild } from './serve-child.js';

export interface MixedLoadFigures {
  seconds: number;
  /** Jobs POSTed to serve, and those whose job record did not end finished (queued or running left behind). */
  jobsPosted: number;
  jobRecordsLost: number;
  /** CLI analyze and precompute runs beside the server, and those that failed. */
  cliRuns: number;
  cliFailures: number;
  /** Client requests, their 5xx answers, and "database is locked" / SQLITE_BUSY seen by a user anywhere. */
  requests: number;
  serverErrors: number;
  busyReachingUser: number;
}

const BUSY = /database is locked|SQLITE_BUSY/i;

/**
 * Fetch-free mixed load on one SQLite file for `seconds`: `marketdeck serve` answering readers while precompute
 * jobs are POSTed to it, and beside it CLI `analyze --full` and `precompute` processes one after the other, all
 * writing the same file. Counts job records left unfinished and every "database is locked" a user would see.
 */
export async function runMixedLoad(dir: string, seconds: number): Promise<MixedLoadFigures> {
  const db = join(dir, 'mixed.db');
  const env = { MARKETDECK_DATA_DIR: join(dir, 'data') };
  for (const args of [['generate', '--tickers', '300', '--days', '600', '--seed', '15'], ['analyze'], ['precompute']]) {
    const r = await runNodeChild([cliEntry(), '--db', db, ...args], env);
    if (r.code !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  }
  const serve = await startServeChild(db, env);
  const f: MixedLoadFigures = {
    seconds,
    jobsPosted: 0,
    jobRecordsLost: 0,
    cliRuns: 0,
    cliFailures: 0,
    requests: 0,
    serverErrors: 0,
    busyReachingUser: 0,
  };
  const posted: string[] = [];
  const until = performance.now() + seconds * 1000;
  const running = () => performance.now() < until;
  const readers = Array.from({ length: 8 }, async (_, i) => {
    const paths = ['/api/overview', '/api/screener', '/api/jobs', '/api/breadth/cached'];
    while (running()) {
      const res = await fetch(`${serve.base}${paths[i % paths.length]}`);
      const text = await res.text();
      f.requests++;
      if (res.status >= 500) f.serverErrors++;
      if (BUSY.test(text)) f.busyReachingUser++;
    }
  });
  const poster = (async () => {
    while (running()) {
      const res = await fetch(`${serve.base}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: serve.base },
        body: JSON.stringify({ kind: 'precompute' }),
      });
      const body = (await res.json()) as { jobId?: string; id?: string };
      f.requests++;
      if (res.status >= 500) f.serverErrors++;
      const id = body.jobId ?? body.id;
      if (id) posted.push(id);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const cli = (async () => {
    for (let k = 0; running(); k++) {
      const r = await runNodeChild(
        [cliEntry(), '--db', db, k % 2 === 0 ? 'analyze' : 'precompute', ...(k % 2 === 0 ? ['--full'] : [])],
        env,
      );
      f.cliRuns++;
      if (r.code !== 0) f.cliFailures++;
      if (BUSY.test(r.stderr)) f.busyReachingUser++;
    }
  })();
  await Promise.all([...readers, poster, cli]);
  // Let the last POSTed jobs finish, then stop serve as a user would.
  await new Promise((r) => setTimeout(r, 5_000));
  await serve.stop();
  if (BUSY.test(serve.stderr())) f.busyReachingUser++;
  f.jobsPosted = new Set(posted).size;
  const store = await SqliteStore.open(db);
  try {
    for (const id of new Set(posted)) {
      const run = await store.jobRuns.get(id);
      if (!run || run.status === 'queued' || run.status === 'running') f.jobRecordsLost++;
    }
  } finally {
    await store.close();
  }
  return f;
}
