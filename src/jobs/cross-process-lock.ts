import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { sleep } from '../fetch/sleep.js';
import { currentJobOwner } from './job-owner.js';

/** Gives the lock back; only the first call counts. */
export type ReleaseLock = () => void;

export interface CrossProcessLockOptions {
  /** Called once, when another process holds the lock and this one starts waiting: who holds it (host:pid). */
  onWait?: (holder: string) => void;
  /** How often a waiting process asks again. */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * A lock across the processes of one machine, so that two `update` (or fetch, analyze, precompute) commands on
 * one database never do the same work at once: the second waits for the first, then finds the tickers fresh
 * and the analysis current. It is an exclusive transaction on a small SQLite file of its own (`path`): the
 * operating system's file lock behind it is dropped when its process ends however it ends (even SIGKILL), so a
 * crash never leaves a stale lock behind. The holder writes its host:pid beside it for a waiting one to name.
 */
export async function acquireCrossProcessLock(
  path: string,
  options: CrossProcessLockOptions = {},
): Promise<ReleaseLock> {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 0 });
  let told = false;
  for (;;) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      break;
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? '');
      if (!code.startsWith('SQLITE_BUSY')) {
        db.close();
        throw error;
      }
      if (!told) {
        told = true;
        options.onWait?.(holderOf(path));
      }
      try {
        await sleep(options.pollMs ?? 200, options.signal);
      } catch (aborted) {
        db.close();
        throw aborted;
      }
    }
  }
  writeFileSync(`${path}.owner`, currentJobOwner());
  let released = false;
  return () => {
    if (released) return;
    released = true;
    db.exec('ROLLBACK');
    db.close();
  };
}

function holderOf(path: string): string {
  try {
    return readFileSync(`${path}.owner`, 'utf8').trim() || 'another process';
  } catch {
    return 'another process';
  }
}
