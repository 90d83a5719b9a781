import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { type ConsistencyFinding, checkStoreConsistency } from '../../jobs/check-store-consistency.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the database after a crash: file integrity, bars, fetch state, analysis, cache and job records')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nPrints each problem with the command that repairs it; exits 1 when it found any.')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.readStore();
      const findings: ConsistencyFinding[] = [];
      if (store.kind === 'sqlite') findings.push(...integrityOf(store.location));
      findings.push(...(await checkStoreConsistency(store)));
      if (findings.length > 0) process.exitCode = EXIT_ERROR;
      if (opts.json) {
        printJson({ ok: findings.length === 0, findings });
        return;
      }
      if (findings.length === 0) {
        printLine(`no problems found in ${store.location}`);
        return;
      }
      printLine(
        formatTable(
          ['check', 'subject', 'problem', 'fix'],
          findings.map((f) => [f.check, f.subject, f.problem, f.fix]),
        ),
      );
    });
}

/** SQLite's own check of every page and index of the file (read-only). */
function integrityOf(path: string): ConsistencyFinding[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((t) => t !== 'ok');
    return problems.slice(0, 20).map((problem) => ({
      check: 'integrity' as const,
      subject: path,
      problem: `integrity_check: ${problem}`,
      fix: 'restore the file from a backup, or move it away and `marketdeck up --fetch` to rebuild it',
    }));
  } finally {
    db.close();
  }
}
