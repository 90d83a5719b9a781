import type { FetchState } from '../domain/fetch-state.js';
import { SAMPLE_SOURCE, SAMPLE_UNIVERSE } from '../sources/csv/bundled-sample.js';
import type { Store, UniverseMember } from '../store/store.js';

/**
 * The tickers whose stored bars are still the bundled sample's: the 'sample' universe's members that no real
 * source (Yahoo, Alpha Vantage, a CSV of the user's) has stored since the sample was imported. A sample ticker
 * fetched again from Yahoo carries today's prices, and calling them the 2013-2018 sample would be as wrong as
 * the other way round. A member without any fetch state (imported before they were recorded) is still sample.
 * `fetchStates`, when given, are the store's fetch states its caller reads anyway (one read for both).
 */
export async function sampleSymbols(
  store: Pick<Store, 'universes' | 'fetchState'>,
  fetchStates?: Promise<readonly FetchState[]>,
): Promise<Set<string>> {
  const members = (await store.universes.get(SAMPLE_UNIVERSE)) ?? [];
  if (members.length === 0) return new Set();
  return stillSample(members, await (fetchStates ?? store.fetchState.list()));
}

/** Whether one ticker's stored bars are still the sample's; a ticker outside the sample costs no fetch states. */
export async function isSampleTicker(store: Pick<Store, 'universes' | 'fetchState'>, symbol: string): Promise<boolean> {
  const member = ((await store.universes.get(SAMPLE_UNIVERSE)) ?? []).find((m) => m.symbol === symbol);
  if (!member) return false;
  return stillSample([member], await store.fetchState.list()).has(symbol);
}

function stillSample(members: readonly UniverseMember[], states: readonly FetchState[]): Set<string> {
  const sampleAt = new Map<string, number>();
  const realAt = new Map<string, number>();
  for (const state of states) {
    if (!state.lastSuccessAt) continue;
    const at = state.source === SAMPLE_SOURCE ? sampleAt : realAt;
    at.set(state.symbol, Math.max(at.get(state.symbol) ?? Number.NEGATIVE_INFINITY, state.lastSuccessAt.getTime()));
  }
  // The latest to store a ticker's bars decides: the sample imported again over Yahoo's bars is the sample again.
  const sample = ({ symbol }: { symbol: string }) => {
    const real = realAt.get(symbol);
    return real === undefined || real < (sampleAt.get(symbol) ?? Number.NEGATIVE_INFINITY);
  };
  return new Set(members.filter(sample).map((m) => m.symbol));
}
