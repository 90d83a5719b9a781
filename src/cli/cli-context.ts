import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, isDatabaseUrl, loadConfig } from '../config/index.js';
import { isJobOwnerAlive } from '../jobs/job-owner.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
  queue?: string;
}

/**
 * What a command needs from the outside world: the frozen config and the store, opened lazily so that
 * `--help` and `config` never touch the database. Commands close it through `dispose()`.
 */
export class CliContext {
  private storePromise: Promise<Store> | null = null;
  private configValue: Config | null = null;

  constructor(private readonly globals: () => GlobalOptions) {}

  get config(): Config {
    if (!this.configValue) {
      const g = this.globals();
      this.configValue = loadConfig({ configFile: g.config, overrides: { db: g.db, redisUrl: g.queue } });
    }
    return this.configValue;
  }

  /**
   * The store for a command that writes: the file and its folder are created when missing. Runs left queued or
   * running by a process that is gone (killed, crashed) are marked interrupted first, whatever the command:
   * a one-shot fetch records its own run outside any job queue, and nothing else would ever close it.
   */
  store(): Promise<Store> {
    if (!this.storePromise) {
      this.storePromise = openStore(this.config).then(async (store) => {
        await store.jobRuns.markInterrupted(isJobOwnerAlive);
        return store;
      });
    }
    return this.storePromise;
  }

  /**
   * The store for a command that only reads (status, show, breadth, export, jobs, rejects), opened read-only:
   * a missing database is refused rather than created empty, which would only say that nothing is stored.
   */
  readStore(): Promise<Store> {
    if (!this.storePromise) {
      const db = this.config.db;
      this.storePromise =
        db !== ':memory:' && !isDatabaseUrl(db) && !existsSync(db)
          ? Promise.reject(new Error(`no database at ${resolve(db)}; run \`marketdeck up\` or pass --db`))
          : openStore(this.config, { readOnly: true });
    }
    return this.storePromise;
  }

  async dispose(): Promise<void> {
    if (this.storePromise) {
      const store = await this.storePromise.catch(() => null);
      this.storePromise = null;
      await store?.close();
    }
  }
}
