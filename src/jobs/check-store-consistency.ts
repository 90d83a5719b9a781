import { CACHE_KEYS } from '../precompute/cache-keys.js';
import type { Store } from '../store/store.js';
import { currentJobStatus } from './job-owner.js';

/** One thing `marketdeck doctor` found: what, about which ticker or run, and the command that repairs it. */
export interface ConsistencyFinding {
  check: 'integrity' | 'job-records' | 'bars' | 'fetch-state' | 'analysis' | 'cache';
  subject: string;
  problem: string;
  fix: string;
}

/**
 * Reads the store through its port and says where its parts disagree after a crash or a kill: bars against
 * the fetch memory, the analysis against the bars it was computed from, the dashboard cache against the last
 * analysis, and the job records against the processes that own them. Everything found comes with the
 * command that puts it right; nothing is changed here.
 */
export async function checkStoreConsistency(store: Store): Promise<ConsistencyFinding[]> {
  const findings: ConsistencyFinding[] = [];

  for (const run of await store.jobRuns.list({ status: ['queued', 'running'] })) {
    if (currentJobStatus(run) === 'interrupted') {
      findings.push({
        check: 'job-records',
        subject: `job ${run.id} (${run.kind})`,
        problem: `recorded ${run.status} but its process (${run.owner}) is gone`,
        fix: `run \`marketdeck ${run.kind}\` again: a command that writes records the dead run as interrupted first`,
      });
    }
  }

  // A deleted ticker keeps its row and bar version with no bars: nothing of it is left to analyse.
  const withBars = new Set(await store.tickers.symbolsWithBars());
  const versions = new Map([...(await store.bars.versions())].filter(([symbol]) => withBars.has(symbol)));
  for await (const series of store.bars.readAll()) {
    for (let i = 1; i < series.dates.length; i++) {
      if (series.dates[i] <= series.dates[i - 1]) {
        findings.push({
          check: 'bars',
          subject: series.symbol,
          problem: `bar dates not strictly ascending at index ${i} (a date stored twice or out of order)`,
          fix: `marketdeck fetch --tickers ${series.symbol} --force-refresh`,
        });
        break;
      }
    }
  }

  for (const state of await store.fetchState.list()) {
    if (state.lastSuccessAt !== null && state.bars > 0 && !versions.has(state.symbol)) {
      findings.push({
        check: 'fetch-state',
        subject: state.symbol,
        problem: `fetched from ${state.source} with ${state.bars} bars, but no bars are stored`,
        fix: `marketdeck fetch --tickers ${state.symbol} --force-refresh`,
      });
    }
  }

  const states = await store.analysis.getStates();
  let behind = 0;
  let firstBehind = '';
  for (const [symbol, version] of versions) {
    const state = states.get(symbol);
    if (!state || state.barVersion < version) {
      if (behind++ === 0) firstBehind = symbol;
    }
  }
  if (behind > 0) {
    findings.push({
      check: 'analysis',
      subject: behind === 1 ? firstBehind : `${behind} tickers (first ${firstBehind})`,
      problem: 'bars changed since they were last analysed',
      fix: 'marketdeck analyze',
    });
  }
  for (const [symbol, state] of states) {
    const version = versions.get(symbol);
    if (version === undefined || state.barVersion > version) {
      findings.push({
        check: 'analysis',
        subject: symbol,
        problem:
          version === undefined
            ? 'analysed, but no bars are stored'
            : `analysed at bar version ${state.barVersion}, newer than the stored ${version}`,
        fix: 'marketdeck analyze --full',
      });
    }
  }

  if (versions.size > 0) {
    const overview = await store.cache.getEntry(CACHE_KEYS.overview);
    const [lastAnalysis] = await store.jobRuns.list({ kind: 'analyze', status: ['succeeded', 'partial'], limit: 1 });
    const [lastUpdate] = await store.jobRuns.list({ kind: 'update', status: ['succeeded', 'partial'], limit: 1 });
    const analysedAt = [lastAnalysis?.finishedAt, lastUpdate?.finishedAt]
      .filter((d): d is Date => d instanceof Date)
      .reduce<Date | null>((a, b) => (a === null || b > a ? b : a), null);
    if (!overview) {
      findings.push({
        check: 'cache',
        subject: 'dashboard cache',
        problem: 'no overview payload: the dashboard has nothing precomputed',
        fix: 'marketdeck precompute',
      });
    } else if (analysedAt !== null && overview.meta.createdAt < analysedAt) {
      findings.push({
        check: 'cache',
        subject: 'dashboard cache',
        problem: `built ${overview.meta.createdAt.toISOString()}, before the last analysis (${analysedAt.toISOString()})`,
        fix: 'marketdeck precompute',
      });
    }
  }
  return findings;
}
