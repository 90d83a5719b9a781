import { basename } from 'node:path';
import type { Command } from 'commander';
import { printableText } from '../../domain/printable-text.js';
import { importFiles } from '../../fetch/import-files.js';
import { type ImportSummary, importExitCode } from '../../fetch/import-summary.js';
import { FileReadError } from '../../sources/csv/read-line-batches.js';
import { SymbolTableError } from '../../sources/csv/read-symbol-table.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';

export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description(
      'import daily prices from CSV files or folders: Kaggle (date,open,high,low,close,volume,Name), Yahoo downloads, Stooq; plain or .gz',
    )
    .argument('<paths...>', 'files or folders (folders are searched recursively for .csv, .csv.gz, .txt)')
    .option('--sector-file <file>', 'a Symbol,Name,Sector CSV (like the S&P 500 constituents list) naming the tickers')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nBad rows are rejected with file:line and reason and never stop the import; odd rows are kept and flagged.\nExit code 0 when every file was read, 3 when some file could not be read (the others are still imported).',
    )
    .action(async (paths: string[], opts: { sectorFile?: string; json?: boolean }) => {
      const store = await ctx.store();
      const showProgress = !opts.json && process.stderr.isTTY === true;
      let summary: ImportSummary;
      try {
        summary = await importFiles(store, paths, {
          sectorFile: opts.sectorFile,
          onFile: showProgress
            ? (path, i, total) => process.stderr.write(`\r\x1b[Kreading ${i + 1}/${total} ${basename(path)}`)
            : undefined,
        });
      } catch (error) {
        // Price files never throw out of importFiles (they are listed as failed), so these are the sector file's.
        if (error instanceof SymbolTableError || error instanceof FileReadError) {
          throw new UsageError(`--sector-file: ${error.message}`);
        }
        throw error;
      } finally {
        if (showProgress) process.stderr.write('\r\x1b[K');
      }
      if (importExitCode(summary) !== 0) process.exitCode = EXIT_PARTIAL;
      if (opts.json) printJson(summary);
      else printSummary(summary);
    });
}

function printSummary(s: ImportSummary): void {
  const range = s.dateRange.from ? `${s.dateRange.from}..${s.dateRange.to}` : 'no dates';
  printLine(
    `read ${s.filesRead} of ${s.files} file(s) to the end: ${s.tickers} tickers, ${s.rowsStored} rows stored ` +
      `(${s.barsAdded} new, ${s.barsChanged} changed), ${s.rowsRejected} rejected, ${range}, ${s.seconds} s`,
  );
  if (s.rowsSkipped > 0) printLine(`${s.rowsSkipped} intraday rows skipped (only daily bars are imported)`);
  const rejects = Object.entries(s.rejectsByReason).sort((a, b) => b[1] - a[1]);
  if (rejects.length > 0) {
    printLine('');
    printLine(formatTable(['rejected because', 'rows'], rejects));
    const first = s.rejectExamples[0];
    if (first) printLine(`e.g. ${printableText(first.location)}: ${printableText(first.reason)}`);
  }
  const kinds = Object.entries(s.flags.byKind).filter(([, n]) => (n ?? 0) > 0);
  if (kinds.length > 0) {
    printLine('');
    printLine(
      formatTable(
        ['flag (kept, not altered)', 'count', 'example'],
        kinds.map(([kind, n]) => {
          const ex = s.flags.examples.find((e) => e.kind === kind);
          return [kind, n, ex ? `${ex.symbol} ${ex.date ?? ''}: ${ex.detail}` : ''];
        }),
      ),
    );
  }
  if (s.failedFiles.length > 0) {
    printLine('');
    printLine(`${s.failedFiles.length} file(s) could not be read to the end (what they held before is stored):`);
    for (const f of s.failedFiles) {
      const reason = f.reason.split('\n').map((line) => printableText(line, 300));
      printLine(`  ${printableText(f.path)}: ${reason.join('\n    ')}`);
    }
  }
}
