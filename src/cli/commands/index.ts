import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/**
 * Every CLI command by name, in the order `--help` lists them, each loaded only when needed: a run of one
 * command imports that command's code alone (the analysis engine never loads for `fetch`, nor the fetch
 * engine for `analyze`), which keeps start-up short for the commands a scheduler runs all day.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  up: async () => (await import('./up-command.js')).registerUpCommand,
  status: async () => (await import('./status-command.js')).registerStatusCommand,
  fetch: async () => (await import('./fetch-command.js')).registerFetchCommand,
  import: async () => (await import('./import-command.js')).registerImportCommand,
  analyze: async () => (await import('./analyze-command.js')).registerAnalyzeCommand,
  delete: async () => (await import('./delete-command.js')).registerDeleteCommand,
  breadth: async () => (await import('./breadth-command.js')).registerBreadthCommand,
  show: async () => (await import('./show-command.js')).registerShowCommand,
  update: async () => (await import('./update-command.js')).registerUpdateCommand,
  precompute: async () => (await import('./precompute-command.js')).registerPrecomputeCommand,
  refresh: async () => (await import('./refresh-command.js')).registerRefreshCommand,
  jobs: async () => (await import('./jobs-command.js')).registerJobsCommand,
  doctor: async () => (await import('./doctor-command.js')).registerDoctorCommand,
  coverage: async () => (await import('./coverage-command.js')).registerCoverageCommand,
  backfill: async () => (await import('./backfill-command.js')).registerBackfillCommand,
  schedules: async () => (await import('./schedules-command.js')).registerSchedulesCommand,
  scheduler: async () => (await import('./scheduler-command.js')).registerSchedulerCommand,
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  generate: async () => (await import('./generate-command.js')).registerGenerateCommand,
  export: async () => (await import('./export-command.js')).registerExportCommand,
  rejects: async () => (await import('./rejects-command.js')).registerRejectsCommand,
  config: async () => (await import('./config-command.js')).registerConfigCommand,
  migrate: async () => (await import('./migrate-command.js')).registerMigrateCommand,
  worker: async () => (await import('./worker-command.js')).registerWorkerCommand,
  portfolio: async () => (await import('./portfolio-command.js')).registerPortfolioCommand,
  report: async () => (await import('./report-command.js')).registerReportCommand,
};

/** Global options that take a value, so the value is not mistaken for the command name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db', '--config', '--queue']);

/** The command named on the command line (argv without node and the script), or null when there is none. */
export function commandNameOf(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return null;
}

/** Registers the named command alone when it is known, else every command (for help and usage errors). */
export async function loadCommands(args: readonly string[]): Promise<RegisterCommand[]> {
  const name = commandNameOf(args);
  const names = name !== null && name in COMMAND_LOADERS ? [name] : Object.keys(COMMAND_LOADERS);
  return Promise.all(names.map((n) => COMMAND_LOADERS[n]()));
}
