import type { EpochDay } from '../domain/epoch-day.js';
import { LateForSlotError } from '../sources/late-for-slot-error.js';
import { detectQualityFlags } from '../sources/quality/detect-quality-flags.js';
import { type HistorySource, SourceError, type SourceHistory } from '../sources/source.js';
import type { QualityFlag, Store } from '../store/store.js';
import { AdaptiveConcurrency, classifyOutcome } from './adaptive-concurrency.js';
import type { FailedTicker, FetchProgress, FetchRunMetrics } from './fetch-metrics.js';
import type { FetchEngineOptions } from './fetch-options.js';
import { newFetchRunId } from './fetch-run-record.js';
import { runWorkers, WRITE_BATCH, WRITE_DELAY_MS } from './fetch-workers.js';
import type { HttpStats } from './instrumented-http-get.js';
import { type KeptHistory, keepStoredHistory } from './keep-stored-history.js';
import {
  changedInfo,
  type FetchMeta,
  fetchMetaOf,
  findRestatement,
  fullReplacePlan,
  MISSING_DAYS_REASON,
  type PlanOptions,
  planTickerFetch,
  type RequestPlan,
} from './plan-fetch.js';
import { quarantineBadBars } from './quarantine-bad-bars.js';
import { UNLIMITED_RATE } from './rate-limiter.js';
import { RetryPolicy, withRetry } from './retry-policy.js';
import {
  errorKindOf,
  RUN_STOPPING_KINDS,
  SourceUnreachableError,
  UNREACHABLE_AFTER,
  unreachableCause,
} from './source-failure.js';
import { TickerWriteBatcher } from './ticker-write-batcher.js';

export interface RunFetchArgs {
  store: Store;
  source: HistorySource;
  /** Canonical symbols, in the order they are fetched. */
  symbols: readonly string[];
  options: FetchEngineOptions;
  /** Called after every ticker; cheap to call (reporters throttle their own output). */
  onProgress?: (progress: FetchProgress) => void;
  signal?: AbortSignal;
  /** Counters of the instrumented HttpGet the source was built with: the run's requests, bytes and latency. */
  httpStats: HttpStats;
}

/** FETCH_GIVE_UP_AFTER's default: a few minutes of nothing but push-back. */
export const DEFAULT_NO_PROGRESS_LIMIT_MS = 180_000;

/**
 * One fetch run: every symbol planned (fresh ones skipped), requested through the rate limiter, the
 * adaptive concurrency limit and the retry policy, checked for restatements, and written with its fetch
 * state. Each ticker's write is atomic (bars, events, info and fetch state land together or not at all):
 * the ready tickers are written a batch per transaction to share the commit cost, and a failed batch is
 * written again one ticker per transaction (see TickerWriteBatcher), so one ticker's bad write never
 * loses the others' data. Workers pull symbols one at a time and drop each answer once stored, so memory
 * stays flat however large the universe; one ticker's failure is recorded and never stops the others.
 */
export async function runFetch(args: RunFetchArgs): Promise<FetchRunMetrics> {
  const { store, source, symbols, options, signal, httpStats } = args;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const t0 = performance.now();
  const runId = options.runId ?? newFetchRunId(startedAt);
  const limiter = options.rateLimiter ?? UNLIMITED_RATE;
  const concurrency = new AdaptiveConcurrency({ ...options.adaptive, max: options.maxConcurrent });
  const policy = new RetryPolicy({
    maxRetries: options.retries,
    baseDelayMs: options.retryBaseDelayMs,
    maxDelayMs: options.retryMaxDelayMs,
  });
  const writes = new TickerWriteBatcher(store.bars, { maxBatch: WRITE_BATCH, maxDelayMs: WRITE_DELAY_MS });

  const m = {
    fetched: 0,
    skipped: 0,
    failed: 0,
    isNew: 0,
    incremental: 0,
    fullRefetch: 0,
    barsAdded: 0,
    barsChanged: 0,
    retries: 0,
    rateLimited: 0,
    quarantined: 0,
    done: 0,
  };
  const errorsByKind: Record<string, number> = {};
  const refetchReasons: Record<string, number> = {};
  const failed: FailedTicker[] = [];
  const kept: KeptHistory[] = [];
  let stopped: SourceError | null = null;
  /** Whether the source has answered anything in this run (any status): then a failure to connect is not "offline". */
  let answered = false;
  let connectFailures = 0;
  // A source that only pushes back (429s, or 5xx and timeouts on every attempt) would keep the run, and the
  // queue behind it, waiting for ever: after noProgressLimitMs without one real answer it is given up.
  const noProgressLimitMs = options.noProgressLimitMs ?? DEFAULT_NO_PROGRESS_LIMIT_MS;
  const giveUp = new AbortController();
  /** What every wait of a request listens to: the caller's cancel, or the run giving the source up. */
  const waitSignal = signal ? AbortSignal.any([signal, giveUp.signal]) : giveUp.signal;
  let lastProgressAt = performance.now();
  let lastPushBack: SourceError | null = null;
  let gaveUp: string | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  const watch = (): void => {
    const idle = performance.now() - lastProgressAt;
    if (idle < noProgressLimitMs) {
      watchdog = setTimeout(watch, noProgressLimitMs - idle);
      return;
    }
    watchdog = null;
    if (stopped) return;
    const kind = lastPushBack?.kind ?? 'rate-limited';
    gaveUp =
      `${source.name} gave no answer but ${kind === 'rate-limited' ? '429 Too Many Requests' : kind} for ` +
      `${Math.round(idle / 1000)} s (FETCH_GIVE_UP_AFTER); the remaining tickers were given up for this run`;
    stopped = new SourceError(kind, `not attempted: ${gaveUp}`, lastPushBack?.evidence ?? {});
    giveUp.abort(stopped);
  };

  /** One request with its retries; every attempt holds a concurrency slot and a rate-limit token. */
  const request = (symbol: string, from: EpochDay | undefined): Promise<SourceHistory> => {
    /** Whether the attempt before this one was answered 429: a second 429 in a row is the source's overload. */
    let after429 = false;
    return withRetry(
      async () => {
        if (stopped) throw stopped;
        const release = await concurrency.acquire(waitSignal);
        let attempted = false;
        let sentAt: number | undefined;
        try {
          let answer: SourceHistory | undefined;
          while (answer === undefined) {
            const sendBy = await limiter.acquire(waitSignal);
            // Checked again after the waits: another worker may have learnt meanwhile that the quota is spent.
            if (stopped) throw stopped;
            attempted = true;
            sentAt = concurrency.stamp();
            try {
              // A whole 2xx answer frees its slot before it is parsed, so the next request is already on the wire;
              // a failing answer keeps it until its outcome is recorded (a 429 must slow the others down first).
              answer = await source.fetchHistory({
                symbol,
                from,
                signal,
                sendBy: typeof sendBy === 'number' ? sendBy : undefined,
                onAnswered: (status) => {
                  answered = true;
                  if (status >= 200 && status < 300) release();
                },
              });
            } catch (error) {
              // Not sent (its connection opened after the slot): the source saw nothing; a new slot, no retry.
              if (!(error instanceof LateForSlotError)) throw error;
              attempted = false;
            }
          }
          answered = true;
          lastProgressAt = performance.now();
          concurrency.record('success');
          return answer;
        } catch (error) {
          if (attempted && !signal?.aborted) {
            // Before the slot is released: a worker waiting for it must already see that the run stopped.
            if (error instanceof SourceError && RUN_STOPPING_KINDS.has(error.kind) && !stopped) {
              stopped = new SourceError(error.kind, `not attempted: ${error.message}`, error.evidence);
            }
            if (error instanceof SourceError && error.evidence.status !== undefined) answered = true;
            // Offline, or the host is gone: the first few failures to connect say so, and every other request
            // (with its retries and backoff) would only say it again, so the run stops here.
            const cause = unreachableCause(error);
            if (cause && !answered && ++connectFailures >= UNREACHABLE_AFTER && !stopped) {
              stopped = new SourceUnreachableError(source.name, cause);
            }
            const kind = errorKindOf(error);
            errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
            const throttled = kind === 'rate-limited';
            if (throttled) m.rateLimited++;
            const outcome = classifyOutcome(error);
            // A final answer (a 404, a bad body) is still the source answering; pushing back is not.
            if (outcome === 'success') lastProgressAt = performance.now();
            else if (error instanceof SourceError) lastPushBack = error;
            concurrency.record(outcome, {
              status429: throttled,
              retryAfterMs: error instanceof SourceError ? error.evidence.retryAfterMs : undefined,
              sentAt,
              retryOf429: after429,
            });
            after429 = throttled;
          }
          throw stopped instanceof SourceUnreachableError ? stopped : error;
        } finally {
          release();
        }
      },
      policy,
      { signal: waitSignal, onRetry: () => m.retries++ },
    );
  };

  const planOptions = (): PlanOptions => ({
    now: now(),
    maxAgeMs: options.maxAgeMs,
    forceRefresh: options.forceRefresh,
    from: options.from,
    refetchGaps: options.refetchGaps,
  });

  const fetchTicker = async (symbol: string): Promise<'fetched' | 'skipped'> => {
    let plan = await planTickerFetch(store, source.name, symbol, planOptions());
    if (plan.action === 'skip') return 'skipped';
    let answer = await request(symbol, plan.from);
    if (plan.kind === 'incremental' && plan.tail) {
      const storedSplits = answer.splits.length > 0 ? await store.bars.splits(symbol, { from: plan.tail.date }) : [];
      const reason = findRestatement(plan.tail, answer, new Set(storedSplits.map((s) => s.date as number)));
      if (reason) {
        const key = reason.split(/\s+/).slice(0, 3).join(' ');
        refetchReasons[key] = (refetchReasons[key] ?? 0) + 1;
        plan = fullReplacePlan(plan, reason, options.from);
        answer = await request(symbol, plan.from);
      }
    }
    // Resolves once this ticker is committed (the batcher writes after the ready I/O has been handled).
    await storeAnswer(plan, answer);
    if (plan.kind === 'new') m.isNew++;
    else if (plan.kind === 'incremental') m.incremental++;
    else m.fullRefetch++;
    return 'fetched';
  };

  /**
   * A replacing answer never shrinks the stored history: what it does not cover stays, on its basis
   * (see keepStoredHistory), flagged and reported.
   */
  const withKeptHistory = async (
    plan: RequestPlan,
    answer: SourceHistory,
  ): Promise<{ answer: SourceHistory; kept: KeptHistory | null }> => {
    if (plan.mode !== 'replace') return { answer, kept: null };
    const stored = await store.bars.read(plan.symbol);
    const storedSplitDays = new Set((await store.bars.splits(plan.symbol)).map((s) => s.date as number));
    const newSplits = answer.splits.filter((s) => !storedSplitDays.has(s.date));
    const result = keepStoredHistory(stored, answer.bars, newSplits);
    if (!result.kept) return { answer, kept: null };
    kept.push(result.kept);
    return { answer: { ...answer, bars: result.bars }, kept: result.kept };
  };

  const storeAnswer = async (plan: RequestPlan, sent: SourceHistory): Promise<void> => {
    // Bars that cannot be prices never reach the store: they go to the rejects table with why.
    const { bars: good, quarantined } = quarantineBadBars(sent.bars);
    if (quarantined.length > 0) {
      m.quarantined += quarantined.length;
      await store.rejects.add(
        quarantined.map((q) => ({
          source: source.name,
          location: `${source.name} ${plan.symbol} ${q.date}`,
          symbol: plan.symbol,
          reason: q.reason,
          raw: JSON.stringify({ ...q.bar, date: q.date }),
        })),
      );
    }
    const fetched = good === sent.bars ? sent : { ...sent, bars: good };
    const { answer, kept: keptHere } = await withKeptHistory(plan, fetched);
    const fresh = detectQualityFlags(answer.bars, { splits: answer.splits });
    if (keptHere) {
      fresh.push({
        kind: 'kept-history',
        date: null,
        detail: `${keptHere.bars} bar(s) ${keptHere.from}..${keptHere.to} kept: ${keptHere.reason}`,
      });
    }
    const flags = plan.kind === 'incremental' ? keepOlderFlags(plan, answer, fresh) : fresh;
    // The fetch memory changes only when a whole history was asked from another date or a missing-days refetch
    // happened; it is written with the bars and the success, in the ticker's one transaction.
    const previous = fetchMetaOf(plan.state);
    const changes: FetchMeta = {};
    if (plan.kind !== 'incremental' && (previous.historyFrom ?? null) !== (plan.from ?? null)) {
      changes.historyFrom = plan.from ?? null;
    }
    const hasGaps = flags.some((f) => f.kind === 'missing-days');
    if (hasGaps && plan.reason === MISSING_DAYS_REASON && !previous.gapsRefetched) changes.gapsRefetched = true;
    if (!hasGaps && previous.gapsRefetched) changes.gapsRefetched = false;
    const written = writes.write({
      symbol: plan.symbol,
      bars: answer.bars,
      dividends: answer.dividends,
      splits: answer.splits,
      info: changedInfo(plan.storedInfo, answer.info),
      mode: plan.mode,
      fetch: {
        source: source.name,
        flags,
        attemptedAt: now(),
        ...(Object.keys(changes).length > 0 ? { meta: { ...changes } } : {}),
      },
    });
    // The last answers of a run: nothing more is coming to share the commit, so it is not held back.
    if (next >= symbols.length && concurrency.inFlight === 0) void writes.flush();
    const result = await written;
    m.barsAdded += result.barsAdded;
    m.barsChanged += result.barsChanged;
  };

  const recordFailure = async (symbol: string, error: unknown): Promise<void> => {
    const kind = errorKindOf(error);
    const reason = error instanceof Error ? error.message : String(error);
    failed.push({ symbol, kind, reason });
    if (error === stopped) return;
    try {
      await store.fetchState.record({ symbol, source: source.name, at: now(), error: `${kind}: ${reason}` });
    } catch {
      // The failure is in the metrics either way; a store that cannot record it will fail the next write too.
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < symbols.length && !signal?.aborted) {
      const symbol = symbols[next++];
      try {
        const outcome = await fetchTicker(symbol);
        if (outcome === 'skipped') m.skipped++;
        else m.fetched++;
      } catch (error) {
        if (signal?.aborted) {
          // A cancelled ticker is neither fetched nor failed: the next run picks it up.
          next = symbols.length;
          break;
        }
        m.failed++;
        await recordFailure(symbol, error);
      }
      m.done++;
      args.onProgress?.({
        total: symbols.length,
        done: m.done,
        fetched: m.fetched,
        skipped: m.skipped,
        failed: m.failed,
        inFlight: concurrency.inFlight,
        concurrency: concurrency.limit,
        barsWritten: m.barsAdded + m.barsChanged,
        symbol,
      });
    }
  };
  watchdog = setTimeout(watch, noProgressLimitMs);
  try {
    await runWorkers(options.maxConcurrent, symbols.length, worker);
  } finally {
    if (watchdog) clearTimeout(watchdog);
  }

  const seconds = (performance.now() - t0) / 1000;
  const http = httpStats.snapshot();
  // Set by the workers' closures, which the compiler's narrowing does not see.
  const stop = stopped as SourceError | null;
  const unreachable = stop instanceof SourceUnreachableError ? stop : null;
  return {
    runId,
    source: source.name,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    seconds: Math.round(seconds * 1000) / 1000,
    cancelled: signal?.aborted === true && m.done < symbols.length,
    tickers: {
      requested: symbols.length,
      fetched: m.fetched,
      skippedFresh: m.skipped,
      failed: m.failed,
      notRun: symbols.length - m.done,
      new: m.isNew,
      incremental: m.incremental,
      fullRefetch: m.fullRefetch,
    },
    barsWritten: m.barsAdded + m.barsChanged,
    barsAdded: m.barsAdded,
    barsChanged: m.barsChanged,
    requests: http.requests,
    retries: m.retries,
    rateLimited: m.rateLimited,
    quarantinedBars: m.quarantined,
    bytes: http.bytes,
    latencyMs: http.latencyMs,
    tickersPerSecond: seconds > 0 ? Math.round(((m.fetched + m.failed) / seconds) * 10) / 10 : 0,
    concurrency: {
      max: concurrency.max,
      final: concurrency.limit,
      lowest: concurrency.stats.lowest,
      decreases: concurrency.stats.decreases,
      increases: concurrency.stats.increases,
      cooldowns: concurrency.stats.cooldowns,
      cooldownMs: Math.round(concurrency.stats.cooldownMs),
      paceCuts: concurrency.stats.paceCuts,
      lowestRatePerSecond: roundRate(concurrency.stats.lowestRate),
      finalRatePerSecond: roundRate(Number.isFinite(concurrency.ratePerSecond) ? concurrency.ratePerSecond : null),
    },
    errorsByKind,
    failed,
    refetchReasons,
    kept,
    ...(unreachable ? { unreachable: unreachable.message } : {}),
    ...(gaveUp ? { gaveUp } : {}),
    ...(http ? { http } : {}),
  };
}

/**
 * Quality flags after an incremental update: the stored ones about days before the update stay, and the
 * ones found in the new answer (which starts at the last stored day) replace the rest.
 */
function keepOlderFlags(plan: RequestPlan, answer: SourceHistory, fresh: QualityFlag[]): QualityFlag[] {
  const start = answer.bars.dates.length > 0 ? answer.bars.dates[0] : Number.POSITIVE_INFINITY;
  const older = (plan.state?.flags ?? []).filter((f) => f.date !== null && f.date !== undefined && f.date < start);
  return [...older, ...fresh];
}

function roundRate(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 100) / 100;
}
