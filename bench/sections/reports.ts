import { cpus, freemem, loadavg } from 'node:os';
import { join } from 'node:path';
import { createAnalyst } from '../../src/analyst/create-analyst.js';
import { loadConfig } from '../../src/config/index.js';
import type { EpochDay } from '../../src/domain/epoch-day.js';
import type { PortfolioTransaction } from '../../src/domain/portfolio.js';
import { type ClosePath, computePortfolioAnalytics } from '../../src/portfolio/compute-portfolio-analytics.js';
import { loadPortfolioAnalytics } from '../../src/portfolio/load-portfolio-analytics.js';
import { createReportPrefetch } from '../../src/report/prefetch-report-data.js';
import { runReport } from '../../src/report/run-report.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { startChatTestServer } from '../../test/support/chat-completions-test-server.js';
import { MarketTestServerProcess } from '../../test/support/spawn-market-test-server.js';
import { atMost, type BenchContext, type BenchFigure, type BenchSection, info, median } from '../bench-section.js';
import { benchSymbols } from '../support/bench-symbols.js';

const TICKERS = 66;
const SOURCE_LATENCY_MS = 20;
const ANALYST_LATENCY_MS = 2000;
const HOLDINGS = 500;
const DAYS = 2520;
const ANALYTICS_RUNS = 9;
const MONTH_HISTORY = { firstDay: '2024-12-02', lastDay: '2024-12-31' };

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function benchConfig(ctx: BenchContext, name: string, env: Record<string, string>) {
  return loadConfig({
    env: { MARKETDECK_DB: join(ctx.tmpDir, `${name}.db`), MARKETDECK_DATA_DIR: join(ctx.tmpDir, name), ...env },
  });
}

/**
 * The report batch against local stand-ins: the market test server (its own process, 20 ms a request) for
 * the prefetch and the chat test server (2 s an answer) for the llm analyst. Targets from the issue: 66
 * tickers within 5 % of ceil(66 / batch size) x 2 s plus the prefetch (one at a time: 132 s); the prefetch
 * of 66 tickers <= 0.5 s; portfolio analytics of 500 holdings x 10 years <= 200 ms.
 */
export const reportsSection: BenchSection = {
  name: 'reports',
  description:
    'report batch: prefetch of 66 tickers at 20 ms, 66 llm analyses at 2 s in batches, portfolio analytics of 500 holdings x 10 years',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};
    const market = await MarketTestServerProcess.start({ ...MONTH_HISTORY, knobs: { latencyMs: SOURCE_LATENCY_MS } });
    const chat = await startChatTestServer({ latencyMs: ANALYST_LATENCY_MS });
    try {
      const symbols = benchSymbols(TICKERS);
      const env = {
        YAHOO_BASE_URL: market.url,
        LLM_BASE_URL: chat.url,
        LLM_MODEL: 'bench-model',
        LLM_API_KEY: 'bench-key',
      };

      // 1. Phase 1 alone, into an empty database: every ticker new.
      {
        const config = benchConfig(ctx, 'prefetch', env);
        const store = await SqliteStore.open(config.db);
        try {
          const prefetch = createReportPrefetch({ store, config, runId: 'bench-prefetch' });
          const t0 = performance.now();
          const outcome = await prefetch(symbols, new AbortController().signal);
          const seconds = (performance.now() - t0) / 1000;
          details.prefetch = { seconds, ...outcome };
          figures.push(
            atMost(
              `prefetch of ${TICKERS} tickers at ${SOURCE_LATENCY_MS} ms`,
              round(seconds),
              's',
              0.5,
              `${outcome.failed.length} failed; bars and quotes; FETCH_MAX_CONCURRENT ${config.fetchMaxConcurrent}`,
            ),
          );
        } finally {
          await store.close();
        }
      }

      // 2. Whole runs: automatic batch size on this machine, then batches of 8 (the size before the memory rule).
      for (const [name, size] of [
        ['auto', undefined],
        ['batch8', 8],
      ] as const) {
        const config = benchConfig(ctx, `report-${name}`, env);
        const store = await SqliteStore.open(config.db);
        try {
          chat.resetMax();
          const lines: string[] = [];
          const result = await runReport({
            store,
            config,
            runId: `bench-${name}`,
            request: { tickers: symbols, analyst: 'llm', batchSize: size, benchmark: symbols[0] },
            signal: new AbortController().signal,
            progress: () => {},
            log: (l) => lines.push(l),
            analyst: createAnalyst('llm', config),
          });
          const m = result.batch_metrics;
          const bound = Math.ceil(TICKERS / m.batch_size) * (ANALYST_LATENCY_MS / 1000) + m.prefetch_duration_seconds;
          details[`report-${name}`] = { metrics: m, bound, maxInFlight: chat.maxInFlight(), lines };
          figures.push(
            atMost(
              `${TICKERS} tickers, analyst ${ANALYST_LATENCY_MS / 1000} s, batch ${m.batch_size}: total / (ceil(${TICKERS}/${m.batch_size}) x 2 s + prefetch)`,
              round((100 * m.total_duration_seconds) / bound, 2),
              '%',
              105,
              `${m.total_duration_seconds} s against ${round(bound)} s; prefetch ${m.prefetch_duration_seconds} s; ${m.successful_tickers} ok, ${m.failed_tickers} failed; ${chat.maxInFlight()} requests in flight at most; one at a time: ${m.estimated_sequential_time_seconds} s (${m.time_savings_percentage} % saved)`,
            ),
          );
        } finally {
          await store.close();
        }
      }
      details.freeMemoryGb = round(freemem() / 1024 ** 3, 1);
    } finally {
      await chat.close();
      await market.close();
    }

    // 3. Portfolio analytics: 500 holdings bought across ten years of synthetic bars, with sales and dividends.
    const config = benchConfig(ctx, 'portfolio', {});
    let store = await SqliteStore.open(config.db);
    try {
      const g = await generateUniverse(store, { tickers: HOLDINGS + 1, days: DAYS, seed: 7 });
      ctx.log(`generated ${g.tickers} tickers x ${DAYS} days in ${g.seconds.toFixed(1)} s`);
      const held = (await store.tickers.symbolsWithBars()).slice(0, HOLDINGS + 1);
      const benchmark = held.pop() as string;
      const first = (g.firstDate ?? 0) as number;
      const transactions: PortfolioTransaction[] = [];
      held.forEach((symbol, i) => {
        const date = (first + (i % 400) * 7) as EpochDay;
        transactions.push({ date, symbol, type: 'buy', quantity: 100, price: 50, fees: 1, currency: 'USD' });
        if (i % 3 === 0) {
          const later = (date + 900) as EpochDay;
          transactions.push({
            date: later,
            symbol,
            type: 'dividend',
            quantity: 100,
            price: 0.5,
            fees: 0,
            currency: 'USD',
          });
          transactions.push({ date: later, symbol, type: 'sell', quantity: 40, price: 55, fees: 1, currency: 'USD' });
        }
      });
      transactions.sort((a, b) => a.date - b.date);
      await store.portfolios.put({ name: 'bench', baseCurrency: 'USD', transactions });
      // Read as `marketdeck portfolio` does: another process, long after the bars were written.
      await store.close();
      store = await SqliteStore.open(config.db);
      const portfolio = (await store.portfolios.get('bench'))!;
      const total: number[] = [];
      const read: number[] = [];
      const compute: number[] = [];
      let value = 0;
      // The first run of each warms the page cache and the JIT; the median of the rest counts.
      for (let i = 0; i < ANALYTICS_RUNS + 1; i++) {
        const t0 = performance.now();
        const a = await loadPortfolioAnalytics(store, portfolio, { benchmark });
        if (i > 0) total.push(performance.now() - t0);
        value = a.value;
      }
      // The same work in its two parts: reading the closes, then the figures from closes held in memory.
      let series = new Map<string, ClosePath>();
      for (let i = 0; i < ANALYTICS_RUNS + 1; i++) {
        const t0 = performance.now();
        series = (await store.bars.readCloses?.([...held, benchmark])) ?? series;
        if (i > 0) read.push(performance.now() - t0);
      }
      for (let i = 0; i < ANALYTICS_RUNS + 1; i++) {
        const t0 = performance.now();
        computePortfolioAnalytics({ portfolio, series, benchmark });
        if (i > 0) compute.push(performance.now() - t0);
      }
      const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
      details.analytics = { total, read, compute, transactions: transactions.length, value, load };
      const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
      figures.push(
        atMost(
          `portfolio analytics, ${HOLDINGS} holdings x ${DAYS} days: the figures from the closes (median)`,
          round(median(compute), 1),
          'ms',
          200,
          `${transactions.length} transactions; runs ${runs(compute)} ms; ${load}`,
        ),
      );
      figures.push(
        atMost(
          `portfolio analytics, ${HOLDINGS} holdings x ${DAYS} days: read from the store + figures (median)`,
          round(median(total), 1),
          'ms',
          200,
          `read alone ${round(median(read), 1)} ms (runs ${runs(read)}); runs ${runs(total)} ms; ${load}`,
        ),
      );
      figures.push(info('portfolio value (synthetic)', round(value, 0), 'USD'));
    } finally {
      await store.close();
    }
    return { figures, details };
  },
};
