import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { CliContext, type GlobalOptions } from './cli-context.js';
import { loadCommands, type RegisterCommand } from './commands/index.js';
import { EXIT_ERROR, EXIT_USAGE, UsageError } from './exit-codes.js';
import { packageVersion } from './package-version.js';

/** Builds the command tree; separate from running it so tests can inspect it. */
export function buildProgram(ctx: CliContext, commands: readonly RegisterCommand[]): Command {
  const program = new Command('marketdeck')
    .description('Whole-market stock dashboard: fetch, analyze, precompute, serve.')
    .option('--db <path>', 'SQLite database file, or postgres://... (MARKETDECK_DB, DATABASE_URL)')
    .option('--queue <url>', 'redis://... of a shared job queue run by `marketdeck worker` processes (REDIS_URL)')
    .option('--config <file>', 'JSON config file')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let program: Command | null = null;
  const ctx = new CliContext(() => (program?.opts() ?? {}) as GlobalOptions);
  program = buildProgram(ctx, await loadCommands(argv.slice(2)));
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error, () => ctx.config.db);
  } finally {
    await ctx.dispose();
  }
}

function reportError(error: unknown, database: () => string): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return 0;
    }
    return EXIT_USAGE;
  }
  // A bad setting (an environment variable, a config file value) is a usage error like a bad flag.
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`marketdeck: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const e = error as Error;
  if ((error as { code?: unknown })?.code === 'SQLITE_FULL') {
    // Every ticker, file and job record is written in a transaction of its own: the one that did not fit was
    // rolled back whole, and everything committed before it is still there.
    let where = 'the database';
    try {
      where = database();
    } catch {
      // The settings themselves were the problem: the message says enough.
    }
    process.stderr.write(
      `marketdeck: the disk holding ${where} is full (${e.message}); nothing already stored was lost: the write ` +
        'that did not fit was rolled back whole. Free some space and run the command again.\n',
    );
    return EXIT_ERROR;
  }
  process.stderr.write(`marketdeck: ${e?.message ?? String(error)}\n`);
  if (process.env.LOG_LEVEL === 'debug' && e?.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT_ERROR;
}
