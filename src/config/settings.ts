import { z } from 'zod';
import { parseBindHost } from './parse-bind-host.js';

/**
 * Every setting marketdeck reads, declared once: its environment variable, its key in a JSON config file,
 * its schema (with the allowed range), its default, whether it is a secret, and what it means. The README's
 * configuration table and `marketdeck config` are both made from this list.
 */
export interface SettingSpec {
  env: string;
  key: string;
  schema: z.ZodType;
  default: unknown;
  secret?: boolean;
  description: string;
  /** Words for error messages: what values are allowed. */
  allowed: string;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

const bool = z.preprocess((v) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : v;
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return v;
}, z.boolean());

const int = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().int().min(min).max(max));

const num = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().min(min).max(max));

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3 };

/** Parses durations such as 90s, 15m, 24h, 7d into milliseconds; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * DURATION_MS[m[2]] : undefined;
}

const duration = z.string().refine((v) => parseDuration(v) !== undefined);
// http and https only: any other scheme (ftp:, file:) would fail every request of a run, each after its retries.
const url = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//i.test(v));
const optionalText = z.string();
/** The bind address as `listen` will get it (see parseBindHost), so the loopback check sees the same value. */
const bindHost = z.string().transform((v, ctx) => {
  const host = parseBindHost(v);
  if (host === null) {
    ctx.addIssue({ code: 'custom', message: 'not a host name or IP address' });
    return z.NEVER;
  }
  return host;
});
/** Comma-separated host names, each as a browser sends it in Host (lower case, no port). */
const hostList = z.string().transform((v, ctx) => {
  const names = v
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const hosts = names.map(parseBindHost);
  if (hosts.some((h) => h === null)) {
    ctx.addIssue({ code: 'custom', message: 'not a list of host names' });
    return z.NEVER;
  }
  return hosts.join(',');
});
const cron = z.string().refine((v) => v === '' || v.trim().split(/\s+/).length >= 5);

function spec(
  env: string,
  key: string,
  schema: z.ZodType,
  def: unknown,
  allowed: string,
  description: string,
  secret = false,
): SettingSpec {
  return { env, key, schema, default: def, allowed, description, secret };
}

export const SETTINGS = [
  spec(
    'MARKETDECK_DB',
    'db',
    z.string(),
    '',
    'a file path, a postgres:// URL, or empty for the per-user default',
    'SQLite database file, or a PostgreSQL server as postgres://user:password@host:5432/database (see Scaling out). Empty: DATABASE_URL when set, else marketdeck.db in the per-user data folder, `$XDG_DATA_HOME/marketdeck/` (else `~/.local/share/marketdeck/`) on Linux, `~/Library/Application Support/marketdeck/` on macOS, `%LOCALAPPDATA%\\marketdeck\\` on Windows; `marketdeck status` prints it.',
  ),
  spec(
    'DATABASE_URL',
    'databaseUrl',
    z.string().refine((v) => v === '' || /^postgres(ql)?:\/\//i.test(v)),
    '',
    'a postgres:// URL, or empty',
    'PostgreSQL server holding the store when MARKETDECK_DB and --db are empty: postgres://user:password@host:5432/database. Its password is masked wherever the URL is shown.',
    true,
  ),
  spec(
    'REDIS_URL',
    'redisUrl',
    z.string().refine((v) => v === '' || /^rediss?:\/\//i.test(v)),
    '',
    'a redis:// or rediss:// URL, or empty',
    'Redis of a BullMQ job queue shared by `marketdeck worker` processes (see Scaling out). Set: the commands that run jobs (`fetch`, `backfill`, `update`, `analyze`, `precompute`, `refresh`, `report`, `up` for its fetch, analyze and precompute, `delete` for the analyze and precompute after it), `serve` (every job its API and buttons start) and the scheduler queue their jobs there for the workers instead of running them here, and every worker shares one rate limit per source. Empty: jobs run in this process.',
    true,
  ),
  spec(
    'QUEUE_PREFIX',
    'queuePrefix',
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    'marketdeck',
    '1-64 letters, digits, _ . -',
    'Prefix of every Redis key of the queue and the shared rate limits: two installations (or test runs) on one Redis use different prefixes.',
  ),
  spec(
    'QUEUE_CHUNK_SIZE',
    'queueChunkSize',
    int(1, 10_000),
    50,
    'an integer 1-10000',
    'Tickers per queued fetch chunk: the unit of work a worker takes, retries and takes over from a worker that died.',
  ),
  spec(
    'QUEUE_ANALYSIS_CHUNK_SIZE',
    'queueAnalysisChunkSize',
    int(10, 100_000),
    250,
    'an integer 10-100000',
    "Tickers per queued analysis chunk: an analyze step with more tickers to recompute than this sends its chunks to every worker, each returning its tickers' results and breadth counters. Fewer, larger chunks send fewer counters (each spans every day of every sector).",
  ),
  spec(
    'WORKER_LOCK_MS',
    'workerLockMs',
    int(1_000, 600_000),
    30_000,
    'an integer 1000-600000',
    'How long a worker holds a queued job without renewing its lock before another worker takes the job over (a worker that died or hung).',
  ),
  spec(
    'SHARED_RATE_MARGIN_MS',
    'sharedRateMarginMs',
    int(0, 1_000),
    15,
    'an integer 0-1000',
    "Spacing margin of the rate limits shared by a queue's workers: each second's allowance is spread over 1 s plus this many ms, so requests that reach the source up to this much unevenly late still never exceed the limit in any second (15 = 98.5% of the limit; raise it when workers on other machines or busy cores reach the source less evenly).",
  ),
  spec(
    'MARKETDECK_DATA_DIR',
    'dataDir',
    z.string(),
    '',
    "a folder path, or empty for the database's folder",
    'Folder for run metrics (runs/<id>.json) and other files marketdeck writes. Empty: the folder of the database.',
  ),
  spec(
    'LOG_LEVEL',
    'logLevel',
    z.enum(['error', 'warn', 'info', 'debug']),
    'info',
    'error|warn|info|debug',
    'How much is logged to stderr.',
  ),
  spec(
    'FETCH_MAX_CONCURRENT',
    'fetchMaxConcurrent',
    int(1, 256),
    12,
    'an integer 1-256',
    'Requests in flight at once per fetch run.',
  ),
  spec(
    'FETCH_MAX_AGE',
    'fetchMaxAge',
    duration,
    '24h',
    'a duration like 30m, 24h, 7d',
    'A ticker fetched within this long is fresh and skipped.',
  ),
  spec(
    'FETCH_TIMEOUT_MS',
    'fetchTimeoutMs',
    int(100, 600_000),
    15_000,
    'an integer 100-600000',
    'Timeout of one HTTP request.',
  ),
  spec(
    'FETCH_CONNECT_TIMEOUT_MS',
    'fetchConnectTimeoutMs',
    int(100, 600_000),
    5_000,
    'an integer 100-600000',
    'Time allowed to open a connection (TCP and TLS) to a source, apart from FETCH_TIMEOUT_MS: a host that swallows connection attempts fails in this long, and a run that cannot reach its source stops after its first few failures.',
  ),
  spec(
    'FETCH_RETRIES',
    'fetchRetries',
    int(0, 20),
    5,
    'an integer 0-20',
    'Retries of a request after 429, 5xx, timeouts, resets and garbled answers (a 200 that is not JSON).',
  ),
  spec(
    'FETCH_GIVE_UP_AFTER',
    'fetchGiveUpAfter',
    duration,
    '3m',
    'a duration like 90s, 3m, 1h',
    'A source that answers nothing but 429s (or only 5xx and timeouts) for this long is given up for the run: its remaining tickers fail with that reason and the run finishes.',
  ),
  spec(
    'FETCH_MAX_BODY_BYTES',
    'fetchMaxBodyBytes',
    int(1024, 268_435_456),
    33_554_432,
    'an integer 1024-268435456 (1 KiB-256 MiB)',
    'Largest answer a source may send, as received and as decoded; a larger one fails that request as too-large.',
  ),
  spec(
    'YAHOO_BASE_URL',
    'yahooBaseUrl',
    url,
    'https://query2.finance.yahoo.com',
    'an http(s) URL',
    'Base URL of the Yahoo chart and quote API.',
  ),
  spec(
    'YAHOO_RATE_PER_SECOND',
    'yahooRatePerSecond',
    num(0, 10_000),
    0,
    'a number >= 0 (0 = no limit)',
    'Yahoo requests per second.',
  ),
  spec(
    'YAHOO_RATE_PER_MINUTE',
    'yahooRatePerMinute',
    num(0, 1_000_000),
    0,
    'a number >= 0 (0 = no limit)',
    'Yahoo requests per minute.',
  ),
  spec(
    'YAHOO_RATE_PER_DAY',
    'yahooRatePerDay',
    num(0, 100_000_000),
    0,
    'a number >= 0 (0 = no limit)',
    'Yahoo requests per day.',
  ),
  spec(
    'ENABLE_ALPHA_VANTAGE',
    'enableAlphaVantage',
    bool,
    false,
    'true/false/1/0/yes/no/on/off',
    'Allow Alpha Vantage as a source.',
  ),
  spec('ALPHA_VANTAGE_API_KEY', 'alphaVantageApiKey', optionalText, '', 'any text', 'Alpha Vantage API key.', true),
  spec(
    'ALPHA_VANTAGE_BASE_URL',
    'alphaVantageBaseUrl',
    url,
    'https://www.alphavantage.co',
    'an http(s) URL',
    'Base URL of the Alpha Vantage API.',
  ),
  spec(
    'ALPHA_VANTAGE_RATE_PER_MINUTE',
    'alphaVantageRatePerMinute',
    num(0, 100_000),
    5,
    'a number >= 0',
    'Alpha Vantage requests per minute (premium: 75+).',
  ),
  spec(
    'ALPHA_VANTAGE_RATE_PER_DAY',
    'alphaVantageRatePerDay',
    num(0, 10_000_000),
    25,
    'a number >= 0',
    'Alpha Vantage requests per day (free: 25).',
  ),
  spec(
    'ALPHA_VANTAGE_RATE_LIMIT',
    'alphaVantageRateLimit',
    int(1, 100),
    5,
    'an integer 1-100 (calls per minute)',
    'Alpha Vantage calls per minute when a report prefetch uses it as the secondary source.',
  ),
  spec(
    'BATCH_PREFETCH_ENABLED',
    'batchPrefetchEnabled',
    bool,
    true,
    'true/false/1/0/yes/no/on/off',
    'Reports prefetch every ticker at once and run analysts in concurrent batches; false runs one ticker at a time.',
  ),
  spec(
    'BATCH_PREFETCH_MIN_HOLDINGS',
    'batchPrefetchMinHoldings',
    int(1, 1_000_000),
    10,
    'an integer >= 1',
    'A report of fewer tickers runs them one at a time.',
  ),
  spec(
    'DEEP_ANALYSIS_BATCH_SIZE',
    'deepAnalysisBatchSize',
    z.preprocess((v) => (typeof v === 'string' && v.trim().toLowerCase() === 'auto' ? 0 : v), int(0, 64)),
    'auto',
    'auto (shown as 0), or an integer 1-64',
    'Analysts run at once in a report; auto: 3 up to 10 tickers, 5 up to 30, 8 up to 100, else 12, halved under 2 GB free memory, doubled (at most 15) above 8 GB.',
  ),
  spec(
    'REPORT_ANALYST',
    'reportAnalyst',
    z.enum(['rules', 'llm']),
    'rules',
    'rules|llm',
    'The analyst of `marketdeck report`: the built-in rules, or an OpenAI-compatible chat model (LLM_*).',
  ),
  spec(
    'LLM_BASE_URL',
    'llmBaseUrl',
    z.union([z.literal(''), url]),
    '',
    'an http(s) URL such as https://api.openai.com/v1, or empty',
    'Base URL of an OpenAI-compatible chat-completions API (POST <url>/chat/completions).',
  ),
  spec('LLM_MODEL', 'llmModel', optionalText, '', 'a model name', 'Model the llm analyst asks.'),
  spec('LLM_API_KEY', 'llmApiKey', optionalText, '', 'any text', 'API key of the chat-completions API.', true),
  spec(
    'LLM_TIMEOUT_MS',
    'llmTimeoutMs',
    int(100, 600_000),
    60_000,
    'an integer 100-600000',
    'Timeout of one chat-completions request.',
  ),
  spec(
    'LLM_RETRIES',
    'llmRetries',
    int(0, 10),
    3,
    'an integer 0-10',
    'Retries of a chat-completions request after 429, 5xx and timeouts, with backoff (Retry-After honoured).',
  ),
  spec(
    'ANALYSIS_WORKERS',
    'analysisWorkers',
    int(0, 64),
    0,
    'an integer 0-64 (0 = one per core)',
    'Worker threads for analysis.',
  ),
  spec(
    'CACHE_EXPIRATION_MINUTES',
    'cacheExpirationMinutes',
    int(1, 10_080),
    15,
    'an integer 1-10080',
    'Lifetime of a dashboard_cache entry.',
  ),
  spec(
    'PRECOMPUTE_CRON',
    'precomputeCron',
    cron,
    '*/10 * * * *',
    'a cron expression',
    'When the scheduler precomputes the dashboard.',
  ),
  spec(
    'UPDATE_CRON',
    'updateCron',
    cron,
    '',
    'a cron expression, or empty for off',
    'When the scheduler runs a data update (off by default).',
  ),
  spec(
    'JOB_RETENTION_DAYS',
    'jobRetentionDays',
    int(1, 3650),
    30,
    'an integer 1-3650',
    'Finished job runs older than this are pruned.',
  ),
  spec(
    'HEALTH_SAMPLE_CRON',
    'healthSampleCron',
    cron,
    '* * * * *',
    'a cron expression, or empty for off',
    'When the scheduler samples system and database health (CPU, memory, disk, event-loop delay, database size).',
  ),
  spec(
    'HEALTH_RETENTION_DAYS',
    'healthRetentionDays',
    int(1, 365),
    7,
    'an integer 1-365',
    'Health samples older than this are pruned.',
  ),
  spec(
    'HOST',
    'host',
    bindHost,
    '127.0.0.1',
    'a host name or an IP address without spaces or port ([::1] and ::1 alike)',
    'Address the server binds.',
  ),
  spec('PORT', 'port', int(0, 65_535), 8080, 'an integer 0-65535', 'Port the server listens on.'),
  spec(
    'API_TOKEN',
    'apiToken',
    optionalText,
    '',
    'any text',
    'Token required by state-changing endpoints when not bound to loopback.',
    true,
  ),
  spec(
    'ALLOWED_HOSTS',
    'allowedHosts',
    hostList,
    '',
    'comma-separated host names, e.g. dash.example.org,nas.local',
    'Host names the server answers to besides its bind address and localhost (DNS rebinding guard).',
  ),
  spec(
    'UNIVERSE_DIR',
    'universeDir',
    optionalText,
    '',
    'a folder path, or empty for none',
    'Folder whose symbol files a request over HTTP may name as file:NAME (none by default; the CLI reads any file).',
  ),
  spec(
    'SERVER_HEADERS_TIMEOUT_MS',
    'serverHeadersTimeoutMs',
    int(500, 600_000),
    5000,
    'an integer 500-600000',
    "Time a client has to send a request's headers.",
  ),
  spec(
    'SERVER_BODY_TIMEOUT_MS',
    'serverBodyTimeoutMs',
    int(500, 600_000),
    10_000,
    'an integer 500-600000',
    'Time a client has, after its headers, to send the request body.',
  ),
  spec(
    'SERVER_MAX_EVENT_STREAMS',
    'serverMaxEventStreams',
    int(1, 100_000),
    200,
    'an integer 1-100000',
    'Open /api/events streams at most; one more is answered 503.',
  ),
  spec(
    'DASHBOARD_REFRESH_INTERVAL',
    'dashboardRefreshInterval',
    int(10, 86_400),
    300,
    'an integer 10-86400 (seconds)',
    'How often an open dashboard page reloads the payloads it shows.',
  ),
] as const satisfies readonly SettingSpec[];
