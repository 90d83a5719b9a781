import type { Command } from 'commander';
import { importSample } from '../../fetch/import-sample.js';
import type { PrecomputeSummary } from '../../precompute/precompute.js';
import { describeDataSet } from '../../universe/describe-data-set.js';
import type { CliContext } from '../cli-context.js';
import { printJson, printLine } from '../output.js';
import { runJobInCli } from './run-job-in-cli.js';
import { serveConfig, serveUntilStopped } from './serve-command.js';

interface UpOptions {
  json?: boolean;
  fetch?: boolean;
  /** False with --no-serve. */
  serve?: boolean;
  host?: string;
  port?: string;
}

/**
 * The one command a new user runs (`npm start`): a working dashboard from an empty folder. An empty
 * database gets the bundled sample (no network needed), then analysis and precompute run; with --fetch
 * an update from Yahoo runs first, and a network that is away leaves the stored data as it is. Then it serves
 * the dashboard and its JSON API like `marketdeck serve` until stopped, unless --no-serve.
 */
export function registerUpCommand(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description(
      'import the bundled sample into an empty database, analyze, precompute, then serve the dashboard and its JSON API at http://HOST:PORT/ (what npm start runs)',
    )
    .option('--fetch', 'fetch fresh data for the stored tickers first (needs the network)')
    .option('--json', 'print a JSON summary of each step')
    .option('--no-serve', 'stop after precompute instead of serving the dashboard and its JSON API')
    .option('--host <host>', 'address to bind (HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (PORT, default 8080; 0 picks a free one)')
    .action(async (opts: UpOptions) => {
      const listen = { host: opts.host, port: opts.port };
      // A bad --host or --port is refused before the import and analysis, not after them.
      if (opts.serve !== false) serveConfig(ctx.config, listen);
      const store = await ctx.store();
      const say = (line: string) => {
        if (!opts.json) printLine(line);
      };
      const steps: Record<string, unknown> = {};
      const before = await store.bars.stats();
      if (before.tickers === 0) {
        say('empty database: importing the bundled sample (real S&P 500 data, 2013-02-08 .. 2018-02-07)');
        const summary = await importSample(store);
        steps.importSample = summary;
        say(
          `  ${summary.tickers} tickers, ${summary.rowsStored} bars, ${summary.rowsRejected} rows rejected (see sample/README.md)`,
        );
      }
      if (opts.fetch) {
        say('fetching fresh data for the stored tickers');
        try {
          const run = await runJobInCli(ctx, 'fetch', {}, { quiet: opts.json });
          steps.fetch = run.metrics;
          say(`  fetch ${run.status === 'partial' ? `partial: ${run.error}` : 'done'}`);
        } catch (error) {
          steps.fetch = { error: (error as Error).message };
          say(`  fetch failed, continuing with the stored data: ${(error as Error).message}`);
        }
      }
      say('analyzing');
      const analyze = await runJobInCli(ctx, 'analyze', {}, { quiet: opts.json });
      steps.analyze = analyze.metrics;
      say('precomputing the dashboard');
      const precompute = await runJobInCli(ctx, 'precompute', {}, { quiet: opts.json });
      steps.precompute = precompute.metrics;
      const dataSet = await describeDataSet(store);
      const result = {
        tickers: dataSet.tickers,
        bars: dataSet.bars,
        dateRange: { from: dataSet.from, to: dataSet.to },
        sampleData: dataSet.sample,
        steps,
      };
      if (opts.json) {
        printJson(result);
        if (opts.serve !== false) await serveUntilStopped(ctx, { ...listen, stdoutIsJson: true });
        return;
      }
      const summary = (precompute.metrics as unknown as PrecomputeSummary | null)?.summary;
      say(`  ${summary ?? 'done'}`);
      say('');
      say(`ready: ${dataSet.notice}`);
      if (dataSet.sample?.description) say(`  ${dataSet.sample.description}`);
      say(
        'next: `marketdeck status`, `marketdeck show AAPL`, `marketdeck breadth --json`, `marketdeck fetch --universe sp500`',
      );
      if (opts.serve !== false) await serveUntilStopped(ctx, listen);
    });
}
