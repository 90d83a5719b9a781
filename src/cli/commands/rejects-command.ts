import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printableText } from '../../domain/printable-text.js';
import type { CliContext } from '../cli-context.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';

/** The rejects table: every input row an import or fetch could not use, with where it was and why. */
export function registerRejectsCommand(program: Command, ctx: CliContext): void {
  program
    .command('rejects')
    .description('rows an import (or fetch) rejected, newest first, with file:line, reason and the row itself')
    .option('--file <path>', 'only the rows of this imported file')
    .option('--limit <n>', 'how many rows at most (default 100)')
    .option('--json', 'print JSON')
    .action(async (opts: { file?: string; limit?: string; json?: boolean }) => {
      const limit = parseIntOption('--limit', opts.limit, 1, 1_000_000) ?? 100;
      const store = await ctx.readStore();
      // The file as typed and as an absolute path: an import stores the path it was given.
      const files = opts.file === undefined ? undefined : [...new Set([opts.file, resolve(opts.file)])];
      const rows = await store.rejects.list(limit, { files });
      if (opts.json) {
        printJson(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })));
        return;
      }
      const total = await store.rejects.count();
      if (rows.length === 0) {
        printLine(opts.file === undefined ? 'no rejected rows' : `no rejected rows from ${opts.file}`);
        return;
      }
      printLine(
        formatTable(
          ['where', 'symbol', 'reason', 'row'],
          rows.map((r) => [
            printableText(r.location, 120),
            r.symbol ?? '',
            printableText(r.reason),
            printableText(r.raw, 80),
          ]),
        ),
      );
      if (opts.file === undefined && total > rows.length)
        printLine(`... ${total - rows.length} more (--limit, --json)`);
    });
}
