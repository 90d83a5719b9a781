import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultDatabasePath } from './default-database-path.js';
import { SETTINGS, type SettingSpec } from './settings.js';

/** The effective, validated settings (see settings.ts for each one's meaning); parsed once and frozen. */
export interface Config {
  readonly db: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly queueChunkSize: number;
  readonly queueAnalysisChunkSize: number;
  readonly workerLockMs: number;
  readonly sharedRateMarginMs: number;
  readonly dataDir: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  readonly fetchMaxConcurrent: number;
  readonly fetchMaxAge: string;
  readonly fetchTimeoutMs: number;
  readonly fetchConnectTimeoutMs: number;
  readonly fetchRetries: number;
  readonly fetchGiveUpAfter: string;
  readonly fetchMaxBodyBytes: number;
  readonly yahooBaseUrl: string;
  readonly yahooRatePerSecond: number;
  readonly yahooRatePerMinute: number;
  readonly yahooRatePerDay: number;
  readonly enableAlphaVantage: boolean;
  readonly alphaVantageApiKey: string;
  readonly alphaVantageBaseUrl: string;
  readonly alphaVantageRatePerMinute: number;
  readonly alphaVantageRatePerDay: number;
  readonly alphaVantageRateLimit: number;
  readonly batchPrefetchEnabled: boolean;
  readonly batchPrefetchMinHoldings: number;
  /** 0 = automatic (see the setting). */
  readonly deepAnalysisBatchSize: number;
  readonly reportAnalyst: 'rules' | 'llm';
  readonly llmBaseUrl: string;
  readonly llmModel: string;
  readonly llmApiKey: string;
  readonly llmTimeoutMs: number;
  readonly llmRetries: number;
  readonly analysisWorkers: number;
  readonly cacheExpirationMinutes: number;
  readonly precomputeCron: string;
  readonly updateCron: string;
  readonly jobRetentionDays: number;
  readonly healthSampleCron: string;
  readonly healthRetentionDays: number;
  readonly host: string;
  readonly port: number;
  readonly apiToken: string;
  /** Comma-separated, normalised by parseBindHost; empty for none. */
  readonly allowedHosts: string;
  readonly universeDir: string;
  readonly serverHeadersTimeoutMs: number;
  readonly serverBodyTimeoutMs: number;
  readonly serverMaxEventStreams: number;
  readonly dashboardRefreshInterval: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON file whose keys are the settings' keys or environment names. */
  configFile?: string;
  /** Values from command-line flags; they win over the file and the environment. */
  overrides?: Partial<Record<string, unknown>>;
}

/**
 * Precedence: flag > environment > config file > default. An invalid value stops the program with a
 * message naming the variable, the value and what is allowed.
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.configFile ? readConfigFile(opts.configFile) : {};
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly SettingSpec[]) {
    let raw: unknown = s.default;
    let origin = 'default';
    if (s.key in file) {
      raw = file[s.key];
      origin = `${opts.configFile} key "${s.key}"`;
    } else if (s.env in file) {
      raw = file[s.env];
      origin = `${opts.configFile} key "${s.env}"`;
    }
    if (env[s.env] !== undefined) {
      raw = env[s.env];
      origin = `environment variable ${s.env}`;
    }
    if (opts.overrides && opts.overrides[s.key] !== undefined) {
      raw = opts.overrides[s.key];
      origin = `option for ${s.env}`;
    }
    const parsed = s.schema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(`invalid ${origin}: ${JSON.stringify(raw)} is not allowed; expected ${s.allowed}`);
    }
    out[s.key] = parsed.data;
  }
  // Empty means the per-user default, so that every command, from any folder, finds the same database; the
  // files marketdeck writes go beside it.
  if (out.db === '' && out.databaseUrl !== '') out.db = out.databaseUrl;
  if (out.db === '') out.db = defaultDatabasePath(env);
  if (out.dataDir === '') out.dataDir = dataDirBeside(out.db as string, env);
  return Object.freeze(out) as unknown as Config;
}

/** Where run files go by default: beside the SQLite file, or in the per-user data folder for a database server. */
function dataDirBeside(db: string, env: NodeJS.ProcessEnv): string {
  if (db === ':memory:') return '.';
  if (isDatabaseUrl(db)) return dirname(defaultDatabasePath(env));
  return dirname(resolve(db));
}

/** True when `db` names a PostgreSQL server rather than a SQLite file. */
export function isDatabaseUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The database URL with its password masked, for display; a file path as it is. */
export function maskDatabase(db: string): string {
  return isDatabaseUrl(db) ? maskUrlPassword(db) : db;
}

/** A server URL (postgres://, redis://) with its password masked, for display. */
export function maskUrlPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return `${url.split(':')[0]}://(unparseable URL)`;
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config file "${path}" cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`config file "${path}" must hold a JSON object of settings`);
  }
  const known = new Set((SETTINGS as readonly SettingSpec[]).flatMap((s) => [s.key, s.env]));
  for (const k of Object.keys(data)) {
    if (!known.has(k)) throw new ConfigError(`config file "${path}" has an unknown setting "${k}"`);
  }
  return data as Record<string, unknown>;
}

/** The effective values for display: secrets masked, each with its environment name. */
export function describeConfig(config: Config): { env: string; key: string; value: unknown; description: string }[] {
  return (SETTINGS as readonly SettingSpec[]).map((s) => {
    const value = (config as unknown as Record<string, unknown>)[s.key];
    return {
      env: s.env,
      key: s.key,
      value: s.secret ? (value ? '********' : '') : s.key === 'db' ? maskDatabase(String(value)) : value,
      description: s.description,
    };
  });
}
