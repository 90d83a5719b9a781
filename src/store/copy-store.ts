import { createHash } from 'node:crypto';
import type { BarSeries } from '../domain/bar-series.js';
import type { StoredQuote } from '../domain/quote.js';
import type { Store, TickerWrite } from './store.js';
import { COPIED_SECTIONS, type CopiedSection, MIGRATE_JOB_KIND } from './store-checksums.js';

/** Tickers per write transaction of the bar copy, and how often its progress is saved. */
const BAR_BATCH = 100;

export interface CopyProgress {
  section: CopiedSection;
  done: number;
  /** The symbol copied last, in bars. */
  symbol?: string;
}

export interface CopySummary {
  /** Items written per section. */
  copied: Record<CopiedSection, number>;
  /** The symbol after which the bar copy carried on, when it resumed an interrupted copy. */
  resumedAfter: string | null;
  /** The job run in the target that records the copy's progress. */
  runId: string;
}

/**
 * Copies every section of `from` into `to` through the Store port alone, so any two adapters work: bars
 * (with dividends and splits) a batch of tickers per transaction in symbol order, then fetch memory,
 * quotes, universes, portfolios, reports, rejects and the job history. Every step is idempotent (a ticker's
 * history is written whole, a report or job run already there is skipped), and the bar copy records the
 * last symbol it committed in a job run of the target, so a copy stopped halfway carries on after it.
 */
export async function copyStore(
  from: Store,
  to: Store,
  sourceKey: string,
  onProgress?: (p: CopyProgress) => void,
): Promise<CopySummary> {
  const runId = `migrate-${createHash('sha256').update(sourceKey).digest('hex').slice(0, 16)}`;
  const previous = await to.jobRuns.get(runId);
  const resumedAfter =
    previous && previous.status !== 'succeeded' ? ((previous.metrics?.lastSymbol as string | undefined) ?? null) : null;
  if (!previous) await to.jobRuns.create({ id: runId, kind: MIGRATE_JOB_KIND, params: { from: sourceKey } });
  await to.jobRuns.update(runId, { status: 'running', startedAt: new Date(), error: null });
  const copied = Object.fromEntries(COPIED_SECTIONS.map((s) => [s, 0])) as Record<CopiedSection, number>;
  try {
    const tickers = await from.tickers.list();
    await to.tickers.upsert(tickers);
    copied.tickers = tickers.length;

    let batch: TickerWrite[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await to.bars.writeTickers(batch);
      copied.bars += batch.length;
      const lastSymbol = batch[batch.length - 1].symbol;
      batch = [];
      await to.jobRuns.update(runId, { metrics: { lastSymbol } });
      onProgress?.({ section: 'bars', done: copied.bars, symbol: lastSymbol });
    };
    for await (const series of from.bars.readAll()) {
      if (resumedAfter !== null && series.symbol <= resumedAfter) continue;
      batch.push(await tickerWriteOf(from, series));
      if (batch.length >= BAR_BATCH) await flush();
    }
    await flush();

    for (const f of await from.fetchState.list()) {
      // The last success with what it stored, then the failed attempt after it (if any): the same memory.
      if (f.lastSuccessAt) {
        await to.fetchState.record({
          symbol: f.symbol,
          source: f.source,
          at: f.lastSuccessAt,
          error: null,
          bars: f.bars,
          flags: f.flags,
          meta: f.meta,
        });
      }
      if (f.lastAttemptAt && (f.lastError !== null || !f.lastSuccessAt)) {
        await to.fetchState.record({
          symbol: f.symbol,
          source: f.source,
          at: f.lastAttemptAt,
          error: f.lastError ?? 'unknown',
          flags: f.flags,
          meta: f.meta,
        });
      }
      copied.fetchState++;
    }
    onProgress?.({ section: 'fetchState', done: copied.fetchState });

    const quotesByTime = new Map<number, StoredQuote[]>();
    for (const q of await from.quotes.list()) {
      const at = q.fetchedAt.getTime();
      let list = quotesByTime.get(at);
      if (!list) quotesByTime.set(at, (list = []));
      list.push(q);
    }
    for (const [at, quotes] of quotesByTime) {
      await to.quotes.upsert(quotes, new Date(at));
      copied.quotes += quotes.length;
    }

    for (const u of await from.universes.list()) {
      await to.universes.set(u.name, (await from.universes.get(u.name)) ?? [], u.description ?? undefined);
      copied.universes++;
    }

    for (const p of await from.portfolios.list()) {
      const full = await from.portfolios.get(p.name);
      if (!full) continue;
      await to.portfolios.put({
        name: full.name,
        baseCurrency: full.baseCurrency,
        source: full.source,
        transactions: full.transactions,
      });
      copied.portfolios++;
    }

    for (const latest of await from.reports.latest()) {
      const have = new Set(
        (await to.reports.forSymbol(latest.symbol, Number.MAX_SAFE_INTEGER)).map((r) => reportKey(r)),
      );
      // Oldest first, so the target's order of equal instants is the source's.
      const missing = (await from.reports.forSymbol(latest.symbol, Number.MAX_SAFE_INTEGER))
        .reverse()
        .filter((r) => !have.has(reportKey(r)));
      await to.reports.add(missing);
      copied.reports += missing.length;
    }

    // Oldest first, so each keeps its place among the others.
    const rejects = (await from.rejects.list(Number.MAX_SAFE_INTEGER)).reverse();
    await to.rejects.add(rejects.map(({ id: _id, createdAt: _at, ...r }) => r));
    copied.rejects = rejects.length;

    for (const run of (await from.jobRuns.list()).reverse()) {
      if (run.kind === MIGRATE_JOB_KIND || (await to.jobRuns.get(run.id))) continue;
      await to.jobRuns.create({
        id: run.id,
        kind: run.kind,
        params: run.params,
        status: run.status,
        owner: run.owner,
        createdAt: run.createdAt,
      });
      await to.jobRuns.update(run.id, {
        progress: run.progress,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        metrics: run.metrics,
        error: run.error,
      });
      copied.jobRuns++;
    }
    await to.jobRuns.update(runId, { status: 'succeeded', finishedAt: new Date(), metrics: { copied } });
    return { copied, resumedAfter, runId };
  } catch (error) {
    await to.jobRuns
      .update(runId, { status: 'failed', finishedAt: new Date(), error: (error as Error).message })
      .catch(() => {});
    throw error;
  }
}

async function tickerWriteOf(from: Store, series: BarSeries): Promise<TickerWrite> {
  return {
    symbol: series.symbol,
    bars: series,
    // The target's history of the ticker becomes the source's, whatever a previous copy left.
    mode: 'replace',
    dividends: await from.bars.dividends(series.symbol),
    splits: await from.bars.splits(series.symbol),
  };
}

function reportKey(r: { runId: string; analyst: string; createdAt: Date }): string {
  return `${r.runId}\u0000${r.analyst}\u0000${r.createdAt.getTime()}`;
}
