import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { type InvalidSymbolError, parseSymbolList } from '../../domain/symbol.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { type BarExportFormat, BarRowWriter } from './bar-row-writer.js';

interface ExportBarsOptions {
  tickers?: string;
  format: string;
  out?: string;
  json?: boolean;
}

const FORMATS: readonly BarExportFormat[] = ['csv', 'json', 'jsonl'];

export function registerExportCommand(program: Command, ctx: CliContext): void {
  const exportCommand = program.command('export').description('write stored data out as files (see: export bars)');
  exportCommand
    .command('bars')
    .description('every stored daily bar, one row per ticker and date, symbols ascending')
    .option('--tickers <list>', 'only these tickers, comma separated (default: all)')
    .option('--format <format>', 'csv, json (one array) or jsonl (one object per line)', 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--json', 'with --out: print the summary as JSON')
    .addHelpText(
      'after',
      '\nColumns: symbol,date,open,high,low,close,adj_close,volume. Numbers are written in full precision\n(shortest form that reads back to the same value); a missing value is an empty CSV cell or JSON null.\nExit code 3 when some asked tickers have no bars (the others are exported).',
    )
    .exitOverride()
    .action(async (opts: ExportBarsOptions) => {
      const format = opts.format as BarExportFormat;
      if (!FORMATS.includes(format)) {
        throw new UsageError(`--format "${opts.format}" is not allowed; expected ${FORMATS.join(', ')}`);
      }
      let wanted: string[] | undefined;
      try {
        wanted = opts.tickers === undefined ? undefined : parseSymbolList(opts.tickers);
      } catch (error) {
        throw new UsageError(`--tickers: ${(error as InvalidSymbolError).message}`);
      }
      const store = await ctx.readStore();
      let missing: string[] = [];
      if (wanted) {
        const stored = new Set(await store.tickers.symbolsWithBars());
        missing = wanted.filter((s) => !stored.has(s));
        if (missing.length === wanted.length) throw new Error(`no bars stored for ${missing.join(', ')}`);
        if (missing.length > 0) process.stderr.write(`marketdeck: no bars stored for ${missing.join(', ')}\n`);
      }

      const started = performance.now();
      const out: Writable = opts.out ? await openOutFile(opts.out) : process.stdout;
      const writer = new BarRowWriter(out, format);
      let tickers = 0;
      let bars = 0;
      await writer.begin();
      for await (const s of store.bars.readAll(wanted)) {
        if (writer.closed) break;
        await writer.series(s);
        tickers++;
        bars += s.dates.length;
      }
      await writer.end();
      if (opts.out) {
        out.end();
        await finished(out);
      }
      if (missing.length > 0) process.exitCode = EXIT_PARTIAL;
      if (!opts.out) return;
      const summary = {
        tickers,
        bars,
        format,
        out: opts.out,
        missing,
        seconds: Math.round((performance.now() - started) / 10) / 100,
      };
      if (opts.json) printJson(summary);
      else printLine(`exported ${bars} bars of ${tickers} tickers to ${opts.out} (${format}) in ${summary.seconds} s`);
    });
}

/** The --out file, opened before any work so a path that cannot be written fails at once, saying why. */
async function openOutFile(path: string): Promise<Writable> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `its folder ${dirname(resolve(path))} does not exist`
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EROFS'
              ? 'the file system is read-only'
              : (error as Error).message;
    throw new Error(`cannot write --out ${JSON.stringify(path)}: ${why}`);
  }
}
