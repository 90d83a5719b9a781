import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerConfigCommand } from './config-command.js';

/** Every CLI command, one registration function each (one file per command). */
export const COMMANDS: readonly ((program: Command, ctx: CliContext) => void)[] = [registerConfigCommand];
