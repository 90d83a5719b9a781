import type { Command } from 'commander';
import { BREADTH_FIELDS, type BreadthSeries } from '../../domain/breadth-series.js';
import { isoFromDay } from '../../domain/epoch-day.js';
import { dataLabelOf } from '../../precompute/data-label.js';
import { describeDataSet } from '../../universe/describe-data-set.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import { type ResolvedUniverse, UniverseError } from '../../universe/universe-registry.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseDayOption } from './parse-options.js';
import { universesWithBreadth } from './universes-with-breadth.js';

interface BreadthOptions {
  universe?: string;
  sector?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerBreadthCommand(program: Command, ctx: CliContext): void {
  program
    .command('breadth')
    .description(
      'print market breadth per date (advancers/decliners, AD line, % above SMAs, highs/lows, McClellan, TRIN ...)',
    )
    .option('--universe <name>', 'the analysed universe (default cached)')
    .option('--sector <name>', "one sector's breadth instead of the whole universe's")
    .option('--from <date>', 'first date, YYYY-MM-DD')
    .option('--to <date>', 'last date, YYYY-MM-DD')
    .option('--json', 'print columnar JSON: {dates, advancers, decliners, ...}, null where undefined')
    .addHelpText('after', '\nReads the breadth stored by `marketdeck analyze`; definitions in docs/indicators.md.')
    .action(async (opts: BreadthOptions) => {
      const from = parseDayOption('--from', opts.from);
      const to = parseDayOption('--to', opts.to);
      if (from !== undefined && to !== undefined && from > to) {
        throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
      }
      const store = await ctx.readStore();
      let universe: ResolvedUniverse;
      try {
        universe = await resolveUniverse(opts.universe, { store });
      } catch (error) {
        if (error instanceof UniverseError) throw new UsageError(error.message);
        throw error;
      }
      const scopes = await store.analysis.breadthScopes(universe.name);
      if (scopes.length === 0) {
        // Breadth is stored under the universe analysed (a plain `analyze` analyses cached, every stored ticker):
        // the user hears where it is and how to analyse the universe asked for.
        const stored = await universesWithBreadth(store);
        const where =
          stored.length > 0 ? `breadth is stored for: ${stored.join(', ')}` : 'no universe has breadth stored';
        process.stderr.write(
          `marketdeck: no breadth stored for universe "${universe.name}" (${where}); run \`marketdeck analyze${opts.universe ? ` --universe ${opts.universe}` : ''}\` to analyse it\n`,
        );
        process.exitCode = EXIT_ERROR;
        return;
      }
      const scope = opts.sector === undefined ? 'all' : `sector:${opts.sector}`;
      if (!scopes.includes(scope)) {
        const sectors = scopes.filter((s) => s.startsWith('sector:')).map((s) => s.slice('sector:'.length));
        throw new UsageError(
          `--sector "${opts.sector}" has no breadth in universe "${universe.name}"; expected one of: ${sectors.join(', ') || '(no sectors known)'}`,
        );
      }
      const series = (await store.analysis.breadth(universe.name, scope, { from, to }))!;
      // Sample prices are from 2013-2018: said wherever they are shown, so they are never taken for today's.
      const label = dataLabelOf(await describeDataSet(store));
      if (opts.json) {
        printJson({ ...breadthPayload(universe.name, series), ...label });
        return;
      }
      printTable(universe.name, series);
      if (label.sample) printLine(`data: ${label.dataNotice}`);
    });
}

function breadthPayload(universe: string, s: BreadthSeries): Record<string, unknown> {
  const out: Record<string, unknown> = { universe, scope: s.scope, dates: Array.from(s.dates, isoFromDay) };
  for (const f of BREADTH_FIELDS) out[f] = Array.from(s[f]);
  return out;
}

/** Dates the text form shows: the latest ones, said so above the table. */
const SHOWN_DATES = 20;

function printTable(universe: string, s: BreadthSeries): void {
  const n = s.dates.length;
  printLine(
    `${universe} ${s.scope}: ${n} dates${n > 0 ? ` ${isoFromDay(s.dates[0])} .. ${isoFromDay(s.dates[n - 1])}` : ''}`,
  );
  const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '');
  const first = Math.max(0, n - SHOWN_DATES);
  if (first > 0) printLine(`(the last ${n - first} dates shown; --from/--to or --json for the others)`);
  const rows = [];
  for (let i = first; i < n; i++) {
    rows.push([
      isoFromDay(s.dates[i]),
      s.advancers[i],
      s.decliners[i],
      s.adLine[i],
      fmt(s.pctAboveSma50[i]),
      fmt(s.pctAboveSma200[i]),
      s.newHighs[i],
      s.newLows[i],
      fmt(s.mcClellanOscillator[i]),
      fmt(s.trin[i], 2),
    ]);
  }
  printLine(
    formatTable(['date', 'adv', 'dec', 'AD line', '%>sma50', '%>sma200', 'NH', 'NL', 'McClellan', 'TRIN'], rows),
  );
}
