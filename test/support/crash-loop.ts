import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConsistencyFinding } from '../../src/jobs/check-store-consistency.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startMarketTestServer } from './market-test-server.js';
import { cliEntry, runNodeChild } from './run-node-child.js';

export type KilledCommand = 'fetch' | 'analyze' | 'precompute' | 'serve';

export interface CrashLoopResult {
  /** SIGKILLs sent to a command still running (a command that finished first is not counted). */
  kills: Record<KilledCommand, number>;
  /** Kills after which `PRAGMA integrity_check` said anything but ok. */
  integrityFailures: number;
  /** What doctor found once the next run had completed the work (none expected). */
  doctorFindings: ConsistencyFinding[];
  /** Bars stored differently from what the server serves (lost, duplicated or changed), over every ticker. */
  barMismatches: number;
  /** Screener rows that differ from a clean run's over the same bars. */
  analysisMismatches: number;
}

/** 120 tickers of the test server, fetched, analysed and precomputed by CLI processes killed with SIGKILL. */
const SYMBOLS = Array.from({ length: 120 }, (_, i) => `S${String(i + 3000).padStart(4, '0')}`);

/**
 * The crash loop: `iterations` times each, SIGKILL a fetch, an analyze, a precompute and a serve (with an
 * update POSTed to it) at a random point, check the file's integrity after each kill, then let the next run
 * complete the work and compare with a clean run on a database of its own.
 */
export async function runCrashLoop(iterations: number, random: () => number = Math.random): Promise<CrashLoopResult> {
  const server = await startMarketTestServer({ firstDay: '2023-01-02', lastDay: '2024-12-31' });
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-crash-'));
  const db = join(dir, 'crash.db');
  const env = {
    YAHOO_BASE_URL: server.url,
    MARKETDECK_DATA_DIR: join(dir, 'data'),
    ENABLE_ALPHA_VANTAGE: 'false',
    FETCH_MAX_CONCURRENT: '4',
  };
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runNodeChild([cliEntry(), '--db', db, ...args], { ...env, ...extra });
  const result: CrashLoopResult = {
    kills: { fetch: 0, analyze: 0, precompute: 0, serve: 0 },
    integrityFailures: 0,
    doctorFindings: [],
    barMismatches: 0,
    analysisMismatches: 0,
  };
  try {
    const fetchArgs = ['fetch', '--tickers', SYMBOLS.join(','), '--no-quotes', '--force-refresh'];
    for (let i = 0; i < iterations; i++) {
      // Slow answers so the kill lands mid-run, after a random number of them.
      server.reset();
      server.setKnobs({ latencyMs: [5, 40] });
      if (await killAt(fetchArgs, env, db, () => server.stats().requests >= 1 + Math.floor(random() * 30))) {
        result.kills.fetch++;
      }
      server.setKnobs({ latencyMs: 0 });
      result.integrityFailures += integrityFailures(db);
      if (i === 0) await cli(fetchArgs);
      const delay = random() * 100;
      if (await killAt(['analyze', '--full'], env, db, runningFor(db, 'analyze', delay))) result.kills.analyze++;
      result.integrityFailures += integrityFailures(db);
      if (await killAt(['precompute'], env, db, runningFor(db, 'precompute', random() * 20))) result.kills.precompute++;
      result.integrityFailures += integrityFailures(db);
      if (await killAt(['serve', '--port', '0'], env, db, elapsed(800 + random() * 2000))) result.kills.serve++;
      result.integrityFailures += integrityFailures(db);
    }
    // The next runs complete the work.
    for (const args of [fetchArgs, ['analyze', '--full'], ['precompute']]) {
      const r = await cli(args);
      if (r.code !== 0) throw new Error(`${args[0]} after the kills exited ${r.code}: ${r.stderr}`);
    }
    const doctor = await cli(['doctor', '--json']);
    result.doctorFindings = JSON.parse(doctor.stdout).findings;

    // A clean run over the same data, for the analysis.
    const clean = join(dir, 'clean.db');
    for (const args of [fetchArgs, ['analyze', '--full'], ['precompute']]) {
      const r = await runNodeChild([cliEntry(), '--db', clean, ...args], {
        ...env,
        MARKETDECK_DATA_DIR: join(dir, 'clean'),
      });
      if (r.code !== 0) throw new Error(`clean ${args[0]} exited ${r.code}: ${r.stderr}`);
    }
    const [crashed, fresh] = await Promise.all([SqliteStore.open(db), SqliteStore.open(clean)]);
    try {
      for (const symbol of SYMBOLS) {
        const stored = await crashed.bars.read(symbol);
        const served = server.series(symbol)?.bars;
        if (!stored || !served || stored.dates.length !== served.dates.length) {
          result.barMismatches++;
          continue;
        }
        for (let i = 0; i < served.dates.length; i++) {
          if (stored.dates[i] !== served.dates[i] || stored.close[i] !== served.close[i]) {
            result.barMismatches++;
            break;
          }
        }
      }
      const rows = (s: SqliteStore) =>
        s.analysis.screenerRows().then((r) => new Map(r.map((row) => [row.symbol, JSON.stringify(row)])));
      const [a, b] = await Promise.all([rows(crashed), rows(fresh)]);
      for (const symbol of new Set([...a.keys(), ...b.keys()]))
        if (a.get(symbol) !== b.get(symbol)) result.analysisMismatches++;
    } finally {
      await Promise.all([crashed.close(), fresh.close()]);
    }
    return result;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * True `ms` after a job of `kind` was recorded (queued or running) since now: the kill then lands in the
 * job's work, not in the process's start-up.
 */
function runningFor(db: string, kind: string, ms: number): () => boolean {
  const since = Date.now();
  let seenAt: number | null = null;
  return () => {
    if (seenAt === null) {
      const conn = new Database(db, { readonly: true });
      try {
        const row = conn
          .prepare(
            "SELECT count(*) AS n FROM job_runs WHERE kind = ? AND status IN ('queued', 'running') AND created_at >= ?",
          )
          .get(kind, since) as { n: number };
        if (row.n > 0) seenAt = performance.now();
      } finally {
        conn.close();
      }
    }
    return seenAt !== null && performance.now() - seenAt >= ms;
  };
}

function elapsed(ms: number): () => boolean {
  const until = performance.now() + ms;
  return () => performance.now() >= until;
}

/** Starts a CLI command and SIGKILLs it as soon as `when` says so; false when it had finished first. */
async function killAt(args: string[], env: Record<string, string>, db: string, when: () => boolean): Promise<boolean> {
  const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
  const child = spawn(process.execPath, [...flags, cliEntry(), '--db', db, ...args], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  let exited = false;
  const done = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  while (!exited && !when()) await new Promise((r) => setTimeout(r, 2));
  const killed = !exited;
  if (killed) child.kill('SIGKILL');
  await done;
  return killed;
}

/** Lines of `PRAGMA integrity_check` other than ok (0 for a sound file). */
function integrityFailures(db: string): number {
  // Opened read-write as the next command would, so a hot journal left by the kill is rolled back first.
  const conn = new Database(db);
  try {
    return (conn.pragma('integrity_check') as { integrity_check: string }[]).filter((r) => r.integrity_check !== 'ok')
      .length;
  } finally {
    conn.close();
  }
}
