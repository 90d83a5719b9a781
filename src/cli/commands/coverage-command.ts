import type { Command } from 'commander';
import { computeCoverage } from '../../fetch/compute-coverage.js';
import type { CoverageReport } from '../../fetch/coverage-report.js';
import { coverageSymbolsOf } from '../../jobs/handlers/coverage-symbols-of.js';
import type { Store } from '../../store/store.js';
import { UniverseError } from '../../universe/universe-registry.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';

/**
 * The symbols `--universe`/`--tickers` name, or undefined for every stored ticker (`cached`, the default).
 * Shared by coverage and backfill, which must agree on which tickers a universe means.
 */
export async function coverageSymbols(
  store: Store,
  universe: string | undefined,
  tickers: string | undefined,
): Promise<{ name: string; symbols: string[] | undefined }> {
  if (universe !== undefined && tickers !== undefined) {
    throw new UsageError('--universe and --tickers name the tickers twice; give one of them');
  }
  try {
    return await coverageSymbolsOf(store, universe, tickers);
  } catch (error) {
    if (error instanceof UniverseError) throw new UsageError(error.message);
    throw error;
  }
}

export function registerCoverageCommand(program: Command, ctx: CliContext): void {
  program
    .command('coverage')
    .description(
      'which tickers have which days: first and last date, bars, trading days expected, missing days as ranges, stale, last error, quality flags',
    )
    .option('--universe <name>', 'which tickers (default cached = every stored ticker)')
    .option('--tickers <list>', 'comma-separated symbols instead of a universe')
    .option('--json', 'print the whole report as JSON')
    .option('--csv', 'print one CSV row per ticker')
    .addHelpText(
      'after',
      '\nUS listings are counted on the NYSE/Nasdaq calendar (holidays are not gaps, half days are trading days);\n' +
        "other exchanges on the union of their tickers' dates. A ticker is expected from its first bar to the latest\n" +
        'day its calendar has; fill the gaps with `marketdeck backfill`.',
    )
    .action(async (flags: { universe?: string; tickers?: string; json?: boolean; csv?: boolean }) => {
      if (flags.json && flags.csv) throw new UsageError('--json and --csv are two formats; give one of them');
      const store = await ctx.readStore();
      const { name, symbols } = await coverageSymbols(store, flags.universe, flags.tickers);
      const report = await computeCoverage(store, { symbols, universe: name });
      if (flags.json) printJson(report);
      else if (flags.csv) process.stdout.write(coverageCsv(report));
      else printCoverage(report);
    });
}

const CSV_HEADER = [
  'symbol',
  'calendar',
  'first_date',
  'last_date',
  'bars',
  'expected_days',
  'missing_days',
  'missing_ranges',
  'stale_since',
  'last_error',
  'flags',
  'complete',
];

/** One row per ticker; ranges as from..to separated by spaces, flags by kind. */
export function coverageCsv(report: CoverageReport): string {
  const rows = report.tickers.map((t) => [
    t.symbol,
    t.calendar,
    t.firstDate ?? '',
    t.lastDate ?? '',
    t.bars,
    t.expectedDays,
    t.missingDays,
    t.missing.map((r) => (r.from === r.to ? r.from : `${r.from}..${r.to}`)).join(' '),
    t.staleSince ?? '',
    t.lastError ?? '',
    [...new Set(t.flags.map((f) => f.kind))].join(' '),
    t.complete,
  ]);
  return `${[CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function csvCell(value: unknown): string {
  const s = String(value);
  // A cell a spreadsheet would run as a formula is written as text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function printCoverage(report: CoverageReport): void {
  const s = report.summary;
  printLine(
    `${report.universe}: ${s.complete} of ${s.tickers} tickers complete (${percentDown(s.completeShare)}), ` +
      `${s.withGaps} with gaps, ${s.stale} stale, ${s.noBars} without bars; ${s.missingDays} missing days in ${s.missingRanges} ranges`,
  );
  for (const c of report.calendars) printLine(`  ${c.name}: ${c.tickers} tickers, latest day ${c.asOf ?? '-'}`);
  const incomplete = report.tickers.filter((t) => !t.complete || t.lastError !== null);
  if (incomplete.length > 0) {
    printLine();
    printLine(
      formatTable(
        ['symbol', 'first', 'last', 'bars', 'expected', 'missing', 'ranges', 'stale since', 'last error'],
        incomplete
          .slice(0, 200)
          .map((t) => [
            t.symbol,
            t.firstDate,
            t.lastDate,
            t.bars,
            t.expectedDays,
            t.missingDays,
            describeRanges(t.missing.map((r) => (r.from === r.to ? r.from : `${r.from}..${r.to}`))),
            t.staleSince,
            t.lastError === null ? '' : t.lastError.slice(0, 60),
          ]),
      ),
    );
    if (incomplete.length > 200) printLine(`... and ${incomplete.length - 200} more (--json or --csv lists all)`);
  }
  const strip = report.months.slice(-24);
  if (strip.length > 0) {
    printLine();
    printLine(`coverage by month (last ${strip.length}):`);
    printLine(strip.map((m) => `${m.month} ${percentDown(m.share)}`).join('  '));
  }
}

/** A share as a percent rounded down: a month missing one ticker-day in 2,000 is not 100.0 %. */
function percentDown(share: number): string {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}

function describeRanges(ranges: string[]): string {
  return ranges.length <= 3 ? ranges.join(' ') : `${ranges.slice(0, 3).join(' ')} +${ranges.length - 3} more`;
}
