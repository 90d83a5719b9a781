import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { secretRedactor } from './secret-redactor.js';

export type { Logger };

/** Header and field names whose values are credentials wherever they appear in a logged object. */
const CREDENTIAL_PATHS = [
  'authorization',
  'cookie',
  'apiKey',
  'apiToken',
  'token',
  '*.authorization',
  '*.cookie',
  '*.apiKey',
  '*.apiToken',
  '*.token',
  'headers.authorization',
  'headers.cookie',
];

/**
 * The process's one structured logger: JSON lines on stderr (stdout stays the command's output), at LOG_LEVEL.
 * Every line passes the secret redactor whole, so a configured secret quoted anywhere (a job's error, a URL, a
 * nested field) is written as ***; credential fields are censored by name as well.
 */
export function createLogger(
  config: Config,
  options: { destination?: DestinationStream; bindings?: Record<string, unknown> } = {},
): Logger {
  const redact = secretRedactor(config);
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid, ...options.bindings },
      redact: { paths: CREDENTIAL_PATHS, censor: '***' },
      hooks: { streamWrite: (line) => redact(line) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
