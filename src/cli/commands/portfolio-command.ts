import type { Command } from 'commander';
import type { PortfolioAnalytics } from '../../portfolio/compute-portfolio-analytics.js';
import { DEFAULT_PORTFOLIO, importPortfolioFile } from '../../portfolio/import-portfolio-file.js';
import { loadPortfolioAnalytics, requirePortfolio } from '../../portfolio/load-portfolio-analytics.js';
import { PortfolioImportError } from '../../portfolio/portfolio-import-error.js';
import type { Store } from '../../store/store.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';

interface ShowOptions {
  name?: string;
  benchmark?: string;
  riskFree?: string;
  periodDays?: string;
  smaDays?: string;
  drawdown?: string;
  json?: boolean;
}

/** A fraction flag (0.2 = 20 %) within [0, max]. */
function parseFraction(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError(`${flag} "${value}" is not allowed; expected a number 0-${max}`);
  return n;
}

export function registerPortfolioCommand(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('portfolio')
    .description('a stored portfolio: holdings, allocation, P&L, returns and risk against a benchmark')
    .option('--name <name>', `which portfolio (default: "${DEFAULT_PORTFOLIO}", or the only one stored)`)
    .option('--benchmark <symbol>', 'benchmark for beta, correlation and underperformers', 'SPY')
    .option('--risk-free <rate>', 'annual risk-free rate for the Sharpe ratio, e.g. 0.02', '0')
    .option('--period-days <n>', 'underperformer: trading days compared with the benchmark (0 = off)', '63')
    .option('--sma-days <n>', 'underperformer: close below this moving average (0 = off)', '200')
    .option('--drawdown <fraction>', 'underperformer: this far below the one-year high (0 = off)', '0.2')
    .option('--json', 'print the figures as JSON')
    .addHelpText(
      'after',
      '\nFigures come from stored bars: fetch them first with `marketdeck fetch --universe portfolio:NAME`\n' +
        '(holdings and FX pairs) and `--tickers SPY` for the benchmark. With several portfolios and no --name,\n' +
        'lists them.',
    )
    .action(async (opts: ShowOptions) => {
      const store = await ctx.store();
      const name = await pickPortfolio(store, opts.name, opts.json === true);
      if (name === null) return;
      const portfolio = await requirePortfolio(store, name).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      const analytics = await loadPortfolioAnalytics(store, portfolio, {
        benchmark: opts.benchmark,
        riskFreeRate: parseFraction('--risk-free', opts.riskFree, 1),
        underperformers: {
          periodDays: parseIntOption('--period-days', opts.periodDays, 0, 2520),
          smaDays: parseIntOption('--sma-days', opts.smaDays, 0, 2520),
          drawdown: parseFraction('--drawdown', opts.drawdown, 1),
        },
      });
      if (opts.json) printJson(analytics);
      else printAnalytics(analytics);
    });

  cmd
    .command('import <file>')
    .description('store holdings or transactions (CSV or JSON, or a Ghostfolio activity export) as a named portfolio')
    .option('--name <name>', 'portfolio name', DEFAULT_PORTFOLIO)
    .option('--currency <code>', 'base currency, and the currency of rows that name none', 'USD')
    .option('--json', 'print the import summary as JSON')
    .addHelpText(
      'after',
      '\nHoldings: symbol, shares, cost_basis (total paid) or price, and date (the day bought), all required.\n' +
        'Transactions: date, symbol, type (buy, sell, dividend, split), quantity, price, fees, currency.\n' +
        'Every row is checked; a bad row stops the import with file:line, the value and what was expected.\n' +
        'Importing under a name replaces what it held.',
    )
    .exitOverride()
    .action(async (file: string, opts: { name: string; currency: string; json?: boolean }, sub: Command) => {
      // The parent command knows --name and --json too and takes them wherever they stand on the line.
      const parent = (sub.parent?.opts() ?? {}) as ShowOptions;
      const name = parent.name ?? opts.name;
      const json = opts.json === true || parent.json === true;
      const store = await ctx.store();
      let summary: Awaited<ReturnType<typeof importPortfolioFile>>;
      try {
        summary = await importPortfolioFile(store, file, { name, baseCurrency: opts.currency });
      } catch (error) {
        if (error instanceof PortfolioImportError || error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      if (json) printJson(summary);
      else {
        printLine(
          `portfolio ${summary.name}: ${summary.transactions} transactions of ${summary.symbols.length} symbols from ${summary.file} (${summary.format}), base ${summary.baseCurrency}`,
        );
        for (const s of summary.skipped) printLine(`  skipped ${s.location}: ${s.reason}`);
      }
    });
}

/** The named portfolio, the default or the only one; with several and no name, lists them and answers null. */
async function pickPortfolio(store: Store, name: string | undefined, json: boolean): Promise<string | null> {
  if (name !== undefined) return name;
  const all = await store.portfolios.list();
  if (all.some((p) => p.name === DEFAULT_PORTFOLIO)) return DEFAULT_PORTFOLIO;
  if (all.length === 1) return all[0].name;
  if (json) printJson({ portfolios: all });
  else if (all.length === 0) printLine('no portfolio stored yet; marketdeck portfolio import FILE --name N');
  else {
    printLine(
      formatTable(
        ['name', 'base', 'transactions', 'symbols', 'source', 'updated'],
        all.map((p) => [p.name, p.baseCurrency, p.transactions, p.symbols, p.source, p.updatedAt.toISOString()]),
      ),
    );
  }
  return null;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : 'n/a');
const money = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const ratio = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function printAnalytics(a: PortfolioAnalytics): void {
  printLine(
    `portfolio ${a.name} (${a.baseCurrency}) ${a.firstDate ?? '-'} .. ${a.asOf ?? '-'}, benchmark ${a.benchmark}`,
  );
  printLine(
    `value ${money(a.value)} (cash ${money(a.cash)}), invested ${money(a.invested)}, P&L ${money(a.totalPnl)}: ` +
      `unrealised ${money(a.unrealisedPnl)}, realised ${money(a.realisedPnl)}, dividends ${money(a.dividends)}`,
  );
  printLine(
    `return: time-weighted ${pct(a.timeWeightedReturn)}, money-weighted ${pct(a.moneyWeightedReturn)} a year, ` +
      `last day ${pct(a.dailyReturn)}, benchmark ${pct(a.benchmarkReturn)}`,
  );
  printLine(
    `risk: volatility ${pct(a.volatility)}, Sharpe ${ratio(a.sharpe)}, max drawdown ${pct(a.maxDrawdown)}, ` +
      `beta ${ratio(a.beta)}, correlation ${ratio(a.correlation)}`,
  );
  printLine();
  printLine(
    formatTable(
      ['symbol', 'shares', 'price', 'value', 'weight', 'unrealised', 'realised', 'dividends', 'contribution', 'sector'],
      a.holdings
        .filter((h) => h.shares > 0 || h.realisedPnl !== 0)
        .map((h) => [
          h.symbol,
          +h.shares.toFixed(6),
          `${money(h.price)} ${h.currency}`,
          money(h.value),
          pct(h.weight),
          money(h.unrealisedPnl),
          money(h.realisedPnl),
          money(h.dividends),
          pct(h.contribution),
          h.sector,
        ]),
    ),
  );
  printLine();
  printLine(`sectors: ${a.sectors.map((s) => `${s.sector} ${pct(s.weight)}`).join(', ') || 'none'}`);
  if (a.underperformers.length > 0) {
    printLine('underperformers:');
    for (const u of a.underperformers) printLine(`  ${u.symbol}: ${u.reasons.join('; ')}`);
  }
  for (const w of a.warnings) printLine(`warning: ${w}`);
}
