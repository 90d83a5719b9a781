import { InvalidSymbolError, parseSymbolList } from '../domain/symbol.js';
import type { Store } from '../store/store.js';
import './builtin-universes.js';
import {
  listUniverses,
  type ResolvedUniverse,
  UniverseError,
  UnknownUniverseError,
  universeEntry,
} from './universe-registry.js';

export interface ResolveUniverseOptions {
  store: Store;
  /** Explicit tickers (`--tickers A,B` or a list); when given they are the universe and `spec` is not used. */
  tickers?: string | readonly string[];
  /** Keep only the first N symbols of the universe's order (alphabetical for `cached`, list order otherwise). */
  maxStocks?: number;
}

/**
 * Turns a universe spec into a list of symbols: `cached` (default), `sp500`, `sample`, `file:PATH`, any
 * universe registered later, or explicit tickers. Throws UniverseError (a usage error for the CLI) naming
 * the bad value: an unknown universe lists the allowed ones; a bad symbol in a file names file:line.
 */
export async function resolveUniverse(
  spec: string | undefined,
  opts: ResolveUniverseOptions,
): Promise<ResolvedUniverse> {
  let universe: ResolvedUniverse;
  if (opts.tickers !== undefined) {
    const text = typeof opts.tickers === 'string' ? opts.tickers : opts.tickers.join(',');
    let symbols: string[];
    try {
      symbols = parseSymbolList(text);
    } catch (error) {
      if (error instanceof InvalidSymbolError) throw new UniverseError(`--tickers: ${error.message}`);
      throw error;
    }
    if (symbols.length === 0) throw new UniverseError('--tickers is empty; expected symbols such as AAPL,MSFT');
    universe = {
      name: 'tickers',
      symbols,
      description: `Explicit tickers: ${symbols.slice(0, 10).join(', ')}${symbols.length > 10 ? ', ...' : ''}`,
    };
  } else {
    const text = (spec ?? '').trim() || 'cached';
    const colon = text.indexOf(':');
    const name = (colon === -1 ? text : text.slice(0, colon)).toLowerCase();
    const argument = colon === -1 ? null : text.slice(colon + 1);
    const entry = universeEntry(name);
    if (!entry)
      throw new UnknownUniverseError(
        text,
        listUniverses().map((u) => u.usage),
      );
    if (entry.takesArgument && !argument) throw new UniverseError(`universe "${text}" needs a value: ${entry.usage}`);
    if (!entry.takesArgument && argument !== null)
      throw new UniverseError(`universe "${name}" takes no value (got "${text}")`);
    universe = await entry.resolve({ store: opts.store }, argument);
  }
  if (opts.maxStocks !== undefined) {
    if (!Number.isInteger(opts.maxStocks) || opts.maxStocks < 1) {
      throw new UniverseError(`max stocks ${opts.maxStocks} is not allowed; expected a whole number of at least 1`);
    }
    if (universe.symbols.length > opts.maxStocks) {
      universe = {
        ...universe,
        symbols: universe.symbols.slice(0, opts.maxStocks),
        description: `${universe.description} (first ${opts.maxStocks})`,
      };
    }
  }
  return universe;
}
