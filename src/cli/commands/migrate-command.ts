import type { Command } from 'commander';
import { isDatabaseUrl, maskDatabase } from '../../config/index.js';
import { copyStore } from '../../store/copy-store.js';
import { openStore } from '../../store/open-store.js';
import { COPIED_SECTIONS, type CopiedSection, storeChecksums } from '../../store/store-checksums.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';

/**
 * `marketdeck migrate --from sqlite:PATH --to postgres://...`: copies one store into another through the
 * Store port, then compares item counts and checksums of every section on both sides. Re-running it after
 * a stop carries on after the last ticker committed, and verifies the whole copy again.
 */
export function registerMigrateCommand(program: Command, _ctx: CliContext): void {
  program
    .command('migrate')
    .description('copy every stored ticker, bar and record from one store to another and verify counts and checksums')
    .requiredOption('--from <store>', 'the store to copy: sqlite:PATH or postgres://...')
    .requiredOption('--to <store>', 'the store to fill: postgres://... or sqlite:PATH')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; json?: boolean }) => {
      const fromDb = storeArgument('--from', opts.from);
      const toDb = storeArgument('--to', opts.to);
      if (fromDb === toDb)
        throw new UsageError(`--from and --to name the same store (${maskDatabase(fromDb)}); expected two`);
      const from = await openStore({ db: fromDb }, { readOnly: true });
      try {
        const to = await openStore({ db: toDb });
        try {
          const started = performance.now();
          const summary = await copyStore(from, to, from.location, (p) => {
            if (!opts.json && process.stderr.isTTY)
              process.stderr.write(`\r${sectionLabel(p.section)}: ${p.done} ${p.symbol ?? ''}   `);
          });
          if (!opts.json && process.stderr.isTTY) process.stderr.write('\n');
          const copySeconds = (performance.now() - started) / 1000;
          const [a, b] = await Promise.all([storeChecksums(from), storeChecksums(to)]);
          const sections = COPIED_SECTIONS.map((name) => ({
            section: name,
            copied: summary.copied[name],
            sourceCount: a[name].count,
            targetCount: b[name].count,
            sourceSha256: a[name].sha256,
            targetSha256: b[name].sha256,
            ok: a[name].count === b[name].count && a[name].sha256 === b[name].sha256,
          }));
          const failed = sections.filter((s) => !s.ok).map((s) => s.section);
          const result = {
            from: from.location,
            to: to.location,
            resumedAfter: summary.resumedAfter,
            copySeconds: Math.round(copySeconds * 10) / 10,
            verified: failed.length === 0,
            sections,
          };
          if (opts.json) printJson(result);
          else {
            printLine(`copied ${from.location} -> ${to.location} in ${result.copySeconds} s`);
            if (summary.resumedAfter !== null) printLine(`resumed after ${summary.resumedAfter}`);
            printLine(
              formatTable(
                ['section', 'copied', 'source', 'target', 'checksum'],
                sections.map((s) => [
                  sectionLabel(s.section),
                  s.copied,
                  s.sourceCount,
                  s.targetCount,
                  s.ok
                    ? `ok ${s.sourceSha256.slice(0, 12)}`
                    : `DIFFERS ${s.sourceSha256.slice(0, 12)} / ${s.targetSha256.slice(0, 12)}`,
                ]),
              ),
            );
            printLine(
              failed.length === 0
                ? 'verified: every section has the same count and checksum on both sides'
                : `NOT verified: ${failed.join(', ')} differ; the target holds data the source lacks, or a copy step failed`,
            );
          }
          if (failed.length > 0) process.exitCode = EXIT_ERROR;
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    });
}

/** `sqlite:PATH` as the path, a postgres:// URL as it is; anything else is a usage error naming the value. */
function storeArgument(flag: string, value: string): string {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw new UsageError(`${flag} sqlite: names no file; expected sqlite:PATH`);
    return path;
  }
  if (isDatabaseUrl(value)) return value;
  throw new UsageError(
    `${flag} ${JSON.stringify(maskDatabase(value))} is not a store; expected sqlite:PATH or postgres://user@host:port/database`,
  );
}

/**
 * A section as the table names it: the bar section counts tickers' whole series (each with its dividends and
 * splits), not single bars, and says so; the JSON keeps the section's key.
 */
function sectionLabel(section: CopiedSection): string {
  return section === 'bars' ? 'tickers with bars' : section;
}
