import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerAnalyzeCommand } from './analyze-command.js';
import { registerBreadthCommand } from './breadth-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerExportCommand } from './export-command.js';
import { registerFetchCommand } from './fetch-command.js';
import { registerGenerateCommand } from './generate-command.js';
import { registerImportCommand } from './import-command.js';
import { registerJobsCommand } from './jobs-command.js';
import { registerPrecomputeCommand } from './precompute-command.js';
import { registerRefreshCommand } from './refresh-command.js';
import { registerSchedulerCommand } from './scheduler-command.js';
import { registerShowCommand } from './show-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerUpCommand } from './up-command.js';
import { registerUpdateCommand } from './update-command.js';

/** Every CLI command, one registration function each (one file per command), in the order `--help` lists them. */
export const COMMANDS: readonly ((program: Command, ctx: CliContext) => void)[] = [
  registerUpCommand,
  registerStatusCommand,
  registerFetchCommand,
  registerImportCommand,
  registerAnalyzeCommand,
  registerBreadthCommand,
  registerShowCommand,
  registerUpdateCommand,
  registerPrecomputeCommand,
  registerRefreshCommand,
  registerJobsCommand,
  registerSchedulerCommand,
  registerGenerateCommand,
  registerExportCommand,
  registerConfigCommand,
];
