export interface SelectSymbolsOptions {
  /** Keep at most this many (--max-stocks). */
  maxStocks?: number;
  /**
   * Only tickers not stored yet (--expand): "add N more stocks" to what is stored, without refreshing or
   * replacing anything. With maxStocks, the next N of the universe's order.
   */
  expand?: boolean;
  /** Symbols with bars in the store; needed for expand. */
  stored?: ReadonlySet<string>;
}

/** Which of a universe's symbols a fetch run takes, in the universe's order. */
export function selectSymbols(
  universe: readonly string[],
  options: SelectSymbolsOptions,
): { symbols: string[]; alreadyStored: number } {
  let symbols = [...universe];
  let alreadyStored = 0;
  if (options.expand) {
    const stored = options.stored ?? new Set<string>();
    symbols = symbols.filter((s) => {
      if (!stored.has(s)) return true;
      alreadyStored++;
      return false;
    });
  }
  if (options.maxStocks !== undefined) {
    if (!Number.isInteger(options.maxStocks) || options.maxStocks < 1) {
      throw new RangeError(`max stocks ${options.maxStocks} is not allowed; expected a whole number of at least 1`);
    }
    symbols = symbols.slice(0, options.maxStocks);
  }
  return { symbols, alreadyStored };
}
