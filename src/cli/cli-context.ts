import { type Config, loadConfig } from '../config/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
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
      this.configValue = loadConfig({ configFile: g.config, overrides: { db: g.db } });
    }
    return this.configValue;
  }

  store(): Promise<Store> {
    if (!this.storePromise) this.storePromise = openStore(this.config);
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
