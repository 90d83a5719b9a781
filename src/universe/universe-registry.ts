import type { Store } from '../store/store.js';

/** A list of tickers to fetch, analyse or show, with where it came from. */
export interface ResolvedUniverse {
  /** The spec as resolved: 'cached', 'sp500', 'file:/abs/path', 'tickers', ... */
  name: string;
  symbols: string[];
  description: string;
  /** Sector per symbol where the universe's source knows it (S&P lists, sector columns, stored ticker info). */
  sectors?: Map<string, string>;
  /** Industry and company name per symbol where the list has them (the S&P 500 list's GICS sub-industry). */
  industries?: Map<string, string>;
  names?: Map<string, string>;
  /** Instrument type per symbol where the list says it (ETF for the ETF rows of the US listing files). */
  types?: Map<string, string>;
}

export interface UniverseContext {
  store: Store;
}

/** One named universe. `argument` is the text after the colon (`file:PATH` -> PATH). */
export interface UniverseEntry {
  name: string;
  /** How to write it on the command line, e.g. 'file:PATH'. */
  usage: string;
  description: string;
  takesArgument: boolean;
  resolve(ctx: UniverseContext, argument: string | null): Promise<ResolvedUniverse>;
}

/** A universe spec or list that cannot be resolved; the CLI shows it as a usage error. */
export class UniverseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UniverseError';
  }
}

export class UnknownUniverseError extends UniverseError {
  constructor(
    readonly value: string,
    allowed: readonly string[],
  ) {
    super(`unknown universe "${value}"; expected one of: ${allowed.join(', ')} (or --tickers A,B,C)`);
    this.name = 'UnknownUniverseError';
  }
}

const REGISTRY = new Map<string, UniverseEntry>();

/**
 * Adds a universe. New sources of ticker lists (nasdaq100, dow30, all-listed, international) are one
 * entry each; a second entry of the same name replaces the first.
 */
export function registerUniverse(entry: UniverseEntry): void {
  REGISTRY.set(entry.name, entry);
}

export function universeEntry(name: string): UniverseEntry | undefined {
  return REGISTRY.get(name);
}

/** Every registered universe, in registration order (for help texts and error messages). */
export function listUniverses(): UniverseEntry[] {
  return [...REGISTRY.values()];
}
