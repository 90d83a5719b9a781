import type { Command } from 'commander';
import { startQueueWorker } from '../../jobs/queue/queue-worker.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';
import { stopSignal } from './stop-signal.js';

/** `marketdeck worker`: runs queued jobs from the shared queue against the shared store until stopped. */
export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('run jobs from the shared queue (REDIS_URL or --queue) against the store until stopped (Ctrl-C)')
    .option('--concurrency <n>', 'queued parts run at once, each sending one request at a time (default 4)')
    .addHelpText(
      'after',
      '\nStart as many as the sources allow, on any machine that reaches Redis and the database:\n' +
        '  marketdeck worker --queue redis://redis:6379 --db postgres://marketdeck@db/marketdeck --concurrency 4\n' +
        'Every worker shares one rate limit per source; a worker that dies has its part taken over.',
    )
    .action(async (opts: { concurrency?: string }) => {
      const config = ctx.config;
      if (config.redisUrl === '') {
        throw new UsageError('marketdeck worker needs a queue; pass --queue redis://HOST:6379 or set REDIS_URL');
      }
      const concurrency = parseIntOption('--concurrency', opts.concurrency, 1, 256) ?? 4;
      const store = await ctx.store();
      const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
      if (store.kind === 'sqlite') {
        // Workers on other machines cannot open this file: each would fetch into a store of its own.
        log(
          `the store is the SQLite file ${store.location}: only workers on this machine share it; ` +
            'set DATABASE_URL (PostgreSQL) for workers on other machines',
        );
      }
      const worker = await startQueueWorker({ store, config, concurrency, log });
      printLine(
        `marketdeck worker ${process.pid} is taking jobs (concurrency ${concurrency}) against ${store.location}`,
      );
      const signal = await stopSignal();
      log(`${signal}: finishing the running parts and stopping`);
      await worker.close();
      await ctx.dispose();
    });
}
