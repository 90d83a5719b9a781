import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config/index.js';
import { type Bar, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import type { PrefetchOutcome } from '../../src/report/run-deep-analysis.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export interface ReportKit {
  store: SqliteStore;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

/** T00, T01, ...: tickers the kit stores bars for. */
export function reportSymbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `T${String(i).padStart(2, '0')}`);
}

/**
 * A store holding 300 weekdays of bars for each symbol (a deterministic zig-zag trend per symbol) and a
 * config whose data folder is a temp folder; `env` adds settings (LLM_*, BATCH_*).
 */
export async function openReportKit(symbols: readonly string[], env: Record<string, string> = {}): Promise<ReportKit> {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-report-test-'));
  const store = await SqliteStore.open(join(dir, 'test.db'));
  const start = dayFromIso('2023-01-02');
  for (const [k, symbol] of [...symbols, 'SPY'].entries()) {
    const bars: Bar[] = [];
    let day = start;
    for (let i = 0; i < 300; i++) {
      while ((day + 4) % 7 >= 5) day++;
      const close = 100 + ((k % 5) - 2) * i * 0.1 + 3 * Math.sin(i / (5 + k));
      bars.push({
        date: day as EpochDay,
        open: close,
        high: close + 1,
        low: close - 1,
        close,
        adjClose: close,
        volume: 1e6,
      });
      day++;
    }
    await store.bars.writeTicker({ symbol, bars: barSeriesFromBars(symbol, bars) });
  }
  const config = loadConfig({ env: { MARKETDECK_DB: join(dir, 'test.db'), MARKETDECK_DATA_DIR: dir, ...env } });
  return {
    store,
    config,
    dir,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A prefetch that finds everything fresh in the store, failing the given tickers. */
export function storePrefetch(failing: readonly string[] = []) {
  return async (symbols: readonly string[]): Promise<PrefetchOutcome> => ({
    failed: symbols
      .filter((s) => failing.includes(s))
      .map((symbol) => ({ symbol, kind: 'not-found', reason: 'no such ticker' })),
    sources: { store: symbols.length - failing.length },
  });
}
