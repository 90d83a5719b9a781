import type { Command } from 'commander';
import { describeConfig } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { formatTable, printJson, printLine } from '../output.js';

export function registerConfigCommand(program: Command, ctx: CliContext): void {
  program
    .command('config')
    .description('print the effective configuration (secrets masked)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = describeConfig(ctx.config);
      if (opts.json) {
        printJson(Object.fromEntries(rows.map((r) => [r.env, r.value])));
        return;
      }
      printLine(
        formatTable(
          ['variable', 'value', 'meaning'],
          rows.map((r) => [r.env, JSON.stringify(r.value), r.description]),
        ),
      );
    });
}
