import type { EpochDay } from '../domain/epoch-day.js';
import { type PortfolioTransaction, TRANSACTION_TYPES, type TransactionType } from '../domain/portfolio.js';
import { InvalidSymbolError, normalizeSymbol } from '../domain/symbol.js';
import { parseTradeDate, TRADE_DATE_FORMS } from './parse-trade-date.js';
import { PortfolioImportError, type PortfolioRowProblem } from './portfolio-import-error.js';
import { fieldKey, type PortfolioRecord, readPortfolioRecords } from './portfolio-records.js';

/** Accepted spellings of each field (compared as fieldKey gives them); Ghostfolio's names are among them. */
const ALIASES = {
  date: ['date', 'tradedate', 'purchasedate', 'acquired'],
  symbol: ['symbol', 'ticker', 'code'],
  type: ['type', 'action', 'transaction', 'side'],
  quantity: ['quantity', 'shares', 'qty', 'units'],
  price: ['unitprice', 'price', 'pricepershare', 'costpershare'],
  costBasis: ['costbasis', 'totalcost', 'cost'],
  fees: ['fee', 'fees', 'commission'],
  currency: ['currency'],
} as const;

type Field = keyof typeof ALIASES;

/** A field's name in messages when the file has no column of it: the README's words for each. */
const SPOKEN: Record<Field, string> = {
  date: 'date',
  symbol: 'symbol',
  type: 'type',
  quantity: 'shares (or quantity)',
  price: 'price',
  costBasis: 'cost_basis',
  fees: 'fees',
  currency: 'currency',
};

/** Ghostfolio activity types that carry no holding (cash fees, interest, manual items, liabilities). */
const NOT_HOLDINGS = new Set(['fee', 'interest', 'item', 'liability']);

export interface ParsedPortfolioFile {
  /** 'holdings' (symbol, shares, cost basis, date), 'transactions', or 'ghostfolio' (an activity export). */
  format: 'holdings' | 'transactions' | 'ghostfolio';
  /** Ascending by date, a day's rows in file order. */
  transactions: PortfolioTransaction[];
  /** Rows read but not modelled, with why (a Ghostfolio FEE or INTEREST activity). */
  skipped: { location: string; reason: string }[];
}

/**
 * Reads a portfolio file: holdings or transactions, CSV or JSON, or Ghostfolio's activity export. Every
 * row is checked (date, symbol, type, numbers, currency, and that no sell exceeds the shares held then);
 * any bad row throws PortfolioImportError listing every one, so a portfolio is never stored half-read.
 */
export function parsePortfolioFile(text: string, file: string, opts: { currency?: string } = {}): ParsedPortfolioFile {
  const { layout, records, fieldNames, writtenNames } = readPortfolioRecords(text, file);
  const has = (f: Field) => ALIASES[f].some((a) => fieldNames.includes(a));
  const format = layout === 'ghostfolio' ? 'ghostfolio' : has('type') ? 'transactions' : 'holdings';
  const problems: PortfolioRowProblem[] = [];
  const skipped: ParsedPortfolioFile['skipped'] = [];
  const rows: { t: PortfolioTransaction; location: string; i: number }[] = [];
  const missing: string[] = (['date', 'symbol', 'quantity'] as const).filter((f) => !has(f)).map((f) => SPOKEN[f]);
  if (format === 'holdings' && !has('price') && !has('costBasis')) missing.push('cost_basis or price');
  if (missing.length > 0) {
    problems.push({
      location: `${file}:1`,
      field: 'header',
      value: fieldNames.map((f) => writtenNames[f] ?? f).join(','),
      expected:
        `the column(s) ${missing.join(', ')} (holdings need symbol, shares, cost_basis (total paid) or price, ` +
        'and date, the day bought; transactions add type)',
    });
    throw new PortfolioImportError(file, problems);
  }
  for (const record of records) {
    const location = `${file}:${record.line}`;
    const row = new RowReader(record, location, problems, writtenNames);
    const typeText = format === 'holdings' ? 'buy' : row.text('type').toLowerCase();
    if (NOT_HOLDINGS.has(typeText)) {
      skipped.push({ location, reason: `${typeText.toUpperCase()} activities hold no shares` });
      continue;
    }
    const before = problems.length;
    const type = typeText as TransactionType;
    if (!TRANSACTION_TYPES.includes(type)) {
      row.problem(
        'type',
        typeText,
        'buy, sell, dividend or split (Ghostfolio FEE, INTEREST, ITEM, LIABILITY are skipped)',
      );
    }
    const date = row.date();
    const symbol = row.symbol();
    const quantity = row.number('quantity', { min: 0, exclusive: true });
    let price: number;
    if (format === 'holdings' && !row.present('price')) {
      price = row.number('costBasis', { min: 0 }) / quantity;
    } else price = type === 'split' && !row.present('price') ? 0 : row.number('price', { min: 0 });
    const fees = row.present('fees') ? row.number('fees', { min: 0 }) : 0;
    const currency = row.currency(opts.currency ?? 'USD');
    if (problems.length > before) continue;
    rows.push({
      t: { date: date as EpochDay, symbol, type, quantity, price, fees, currency },
      location,
      i: rows.length,
    });
  }
  rows.sort((a, b) => a.t.date - b.t.date || a.i - b.i);
  if (problems.length === 0) checkSells(rows, problems);
  if (problems.length > 0) throw new PortfolioImportError(file, problems);
  return { format, transactions: rows.map((r) => r.t), skipped };
}

/** A sell of more shares than held on its date is a typo or a missing buy; either way the figures would lie. */
function checkSells(
  rows: readonly { t: PortfolioTransaction; location: string }[],
  problems: PortfolioRowProblem[],
): void {
  const held = new Map<string, number>();
  for (const { t, location } of rows) {
    const h = held.get(t.symbol) ?? 0;
    if (t.type === 'buy') held.set(t.symbol, h + t.quantity);
    else if (t.type === 'split') held.set(t.symbol, h * t.quantity);
    else if (t.type === 'sell') {
      // A relative tolerance absorbs the rounding of fractional shares in broker exports.
      if (t.quantity > h * (1 + 1e-9) + 1e-9) {
        problems.push({
          location,
          field: `quantity sold of ${t.symbol}`,
          value: String(t.quantity),
          expected: `at most the ${h} shares held then`,
        });
      }
      held.set(t.symbol, Math.max(0, h - t.quantity));
    }
  }
}

/** Reads one record's fields by their aliases, noting each bad value as a problem of this row. */
class RowReader {
  constructor(
    private readonly record: PortfolioRecord,
    private readonly location: string,
    private readonly problems: PortfolioRowProblem[],
    private readonly writtenNames: Record<string, string>,
  ) {}

  /** A field as the file names it (`cost_basis`, `Shares`), so a message quotes the user's own header. */
  private nameOf(field: string): string {
    const aliases: readonly string[] = ALIASES[field as Field] ?? [];
    const found = aliases.find((a) => this.writtenNames[a] !== undefined);
    return found ? this.writtenNames[found] : (SPOKEN[field as Field] ?? field);
  }

  problem(field: string, value: unknown, expected: string): void {
    this.problems.push({ location: this.location, field: this.nameOf(field), value: String(value ?? ''), expected });
  }

  raw(field: Field): unknown {
    for (const a of ALIASES[field]) {
      const v = this.record.values[fieldKey(a)];
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  }

  present(field: Field): boolean {
    return this.raw(field) !== undefined;
  }

  text(field: Field): string {
    const v = this.raw(field);
    return v === undefined ? '' : String(v).trim();
  }

  date(): number {
    const text = this.text('date');
    const day = parseTradeDate(text);
    if (day === null) this.problem('date', text, TRADE_DATE_FORMS);
    return day ?? 0;
  }

  symbol(): string {
    const text = this.text('symbol');
    try {
      return normalizeSymbol(text);
    } catch (error) {
      if (!(error instanceof InvalidSymbolError)) throw error;
      this.problem('symbol', text, 'a ticker symbol such as AAPL, BRK.B or SAP.DE');
      return '';
    }
  }

  number(field: Field, range: { min: number; exclusive?: boolean }): number {
    const v = this.raw(field);
    // Thousands separators are common in broker exports; a comma is never a decimal point here.
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace(/,/g, '')) : Number.NaN;
    const ok = Number.isFinite(n) && (range.exclusive ? n > range.min : n >= range.min);
    if (!ok) this.problem(field, v, `a number ${range.exclusive ? 'above' : 'of at least'} ${range.min}`);
    return ok ? n : Number.NaN;
  }

  currency(fallback: string): string {
    if (!this.present('currency')) return fallback;
    const text = this.text('currency').toUpperCase();
    if (!/^[A-Z]{3}$/.test(text)) this.problem('currency', text, 'a three-letter ISO 4217 code such as USD or EUR');
    return text;
  }
}
