import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Store } from '../store/store.js';
import { type ParsedPortfolioFile, parsePortfolioFile } from './parse-portfolio-file.js';

export interface PortfolioImportSummary {
  name: string;
  file: string;
  format: ParsedPortfolioFile['format'];
  baseCurrency: string;
  transactions: number;
  symbols: string[];
  skipped: ParsedPortfolioFile['skipped'];
}

/** The name a portfolio gets when none is given. */
export const DEFAULT_PORTFOLIO = 'default';

const PORTFOLIO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws naming the value when it cannot be a portfolio name (it appears in URLs and universe specs). */
export function checkPortfolioName(name: string): string {
  if (!PORTFOLIO_NAME.test(name)) {
    throw new RangeError(
      `portfolio name "${name}" is not allowed; expected 1-64 letters, digits, dots, dashes or underscores`,
    );
  }
  return name;
}

/**
 * Reads a portfolio file (see parsePortfolioFile) and stores it under `name`, replacing what that name
 * held: importing the same file twice changes nothing. Nothing is stored when any row is bad.
 */
export async function importPortfolioText(
  store: Store,
  text: string,
  file: string,
  opts: { name?: string; baseCurrency?: string } = {},
): Promise<PortfolioImportSummary> {
  const name = checkPortfolioName(opts.name ?? DEFAULT_PORTFOLIO);
  const baseCurrency = (opts.baseCurrency ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(baseCurrency)) {
    throw new RangeError(`currency "${opts.baseCurrency}" is not allowed; expected a three-letter code such as USD`);
  }
  const parsed = parsePortfolioFile(text, file, { currency: baseCurrency });
  await store.portfolios.put({ name, baseCurrency, source: basename(file), transactions: parsed.transactions });
  return {
    name,
    file,
    format: parsed.format,
    baseCurrency,
    transactions: parsed.transactions.length,
    symbols: [...new Set(parsed.transactions.map((t) => t.symbol))],
    skipped: parsed.skipped,
  };
}

export async function importPortfolioFile(
  store: Store,
  path: string,
  opts: { name?: string; baseCurrency?: string } = {},
): Promise<PortfolioImportSummary> {
  return importPortfolioText(store, await readFile(path, 'utf8'), path, opts);
}
