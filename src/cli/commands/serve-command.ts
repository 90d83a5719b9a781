import type { Command } from 'commander';
import { createLogger } from '../../config/create-logger.js';
import { type Config, parseBindHost } from '../../config/index.js';
import { accessLog } from '../../server/access-log.js';
import { UnsafeBindingError } from '../../server/bearer-auth.js';
import { startDashboardServer } from '../../server/start-dashboard-server.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';
import { stopSignal } from './stop-signal.js';

export interface ServeOptions {
  host?: string;
  port?: string;
  /** The caller printed JSON on stdout (`up --json`): the URL line goes to stderr so stdout stays JSON. */
  stdoutIsJson?: boolean;
}

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'serve the dashboard and its JSON API at http://HOST:PORT/ (and SSE job events), with the job queue and the schedules, until stopped',
    )
    .option('--host <host>', 'address to bind (HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (PORT, default 8080; 0 picks a free one)')
    .addHelpText(
      'after',
      '\nEndpoints are listed in README.md "HTTP API". On an address other than loopback, API_TOKEN must be set\n' +
        'and POST requests must send "Authorization: Bearer <API_TOKEN>".',
    )
    .action(async (opts: ServeOptions) => {
      await serveUntilStopped(ctx, opts);
    });
}

/** Runs the server until SIGINT or SIGTERM, then stops the schedules, the queue, the listener and the store. */
export async function serveUntilStopped(ctx: CliContext, opts: ServeOptions): Promise<void> {
  const config = serveConfig(ctx.config, opts);
  const store = await ctx.store();
  // One structured logger at LOG_LEVEL: the server's and the jobs' lines, and one access line per request.
  const logger = createLogger(config);
  const log = (m: string) => logger.info(m);
  let server: Awaited<ReturnType<typeof startDashboardServer>>;
  try {
    server = await startDashboardServer({
      store,
      config,
      log,
      logger,
      onRequest: accessLog(logger.child({ log: 'access' })),
    });
  } catch (error) {
    if (error instanceof UnsafeBindingError) throw new UsageError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why =
        code === 'EADDRINUSE'
          ? 'is in use by another program (another marketdeck serve?)'
          : code === 'EACCES'
            ? 'needs privileges this user does not have'
            : 'is not an address of this machine';
      throw new Error(
        `cannot listen on ${config.host}:${config.port}: the port ${why}; choose another with PORT or --port (and HOST or --host)`,
      );
    }
    throw error;
  }
  const ready = `marketdeck is serving the dashboard at ${server.url} and the JSON API under ${server.url}api/ (Ctrl-C stops it)`;
  if (opts.stdoutIsJson) process.stderr.write(`${ready}\n`);
  else printLine(ready);
  const signal = await stopSignal();
  log(`${signal}: stopping the schedules, waiting for running jobs and closing the server`);
  await server.stop();
  logger.flush();
  await ctx.dispose();
}

/** The configuration with --host and --port applied; a bad value is a UsageError naming it. */
export function serveConfig(config: Config, opts: ServeOptions): Config {
  const port = parseIntOption('--port', opts.port, 0, 65_535) ?? config.port;
  if (opts.host === undefined) return Object.freeze({ ...config, port });
  // Parsed once, as HOST is: the loopback check and listen() then see the same address.
  const host = parseBindHost(opts.host);
  if (host === null) {
    throw new UsageError(
      `--host ${JSON.stringify(opts.host)} is not allowed; expected a host name or an IP address without spaces or port, such as 127.0.0.1 or [::1]`,
    );
  }
  return Object.freeze({ ...config, host, port });
}
