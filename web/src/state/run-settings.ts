/**
 * The settings the next "Update data" runs with, checked as the CLI checks its flags (marketdeck fetch
 * --universe, --max-stocks, --max-concurrent, --force-refresh), so a bad value is refused in the form with
 * the same words instead of by the server later.
 */
export interface RunSettings {
  universe: string;
  /** Empty: the whole universe. */
  maxStocks: number | null;
  /** Empty: the server's FETCH_MAX_CONCURRENT. */
  maxConcurrent: number | null;
  force: boolean;
}

export const UNIVERSES: readonly { name: string; label: string }[] = [
  { name: 'cached', label: 'cached: every stored ticker' },
  { name: 'sample', label: 'sample: the bundled sample' },
  { name: 'sp500', label: 'sp500: S&P 500' },
  { name: 'nasdaq100', label: 'nasdaq100: Nasdaq-100' },
  { name: 'dow30', label: 'dow30: Dow Jones 30' },
  { name: 'all-listed', label: 'all-listed: every listed US stock' },
  { name: 'international', label: 'international: major non-US listings' },
];

export const DEFAULT_RUN_SETTINGS: RunSettings = {
  universe: 'cached',
  maxStocks: null,
  maxConcurrent: null,
  force: false,
};

export interface RunSettingsInput {
  universe: string;
  maxStocks: string;
  maxConcurrent: string;
  force: boolean;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export function checkRunSettings(input: RunSettingsInput): Checked<RunSettings> {
  const errors: Record<string, string> = {};
  const universe = input.universe.trim();
  if (!UNIVERSES.some((u) => u.name === universe) && !/^file:.+/.test(universe)) {
    errors.universe = `universe "${universe}" is not known; expected one of ${UNIVERSES.map((u) => u.name).join(', ')} or file:PATH`;
  }
  const maxStocks = checkInt('max stocks', input.maxStocks, 1, 100_000_000, errors, 'maxStocks');
  const maxConcurrent = checkInt('fetch concurrency', input.maxConcurrent, 1, 256, errors, 'maxConcurrent');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { universe, maxStocks, maxConcurrent, force: input.force } };
}

function checkInt(
  label: string,
  raw: string,
  min: number,
  max: number,
  errors: Record<string, string>,
  field: string,
): number | null {
  const text = raw.trim();
  if (text === '') return null;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    errors[field] =
      `${label} "${text}" is not allowed; expected an integer from ${min} to ${max.toLocaleString('en-US')}`;
    return null;
  }
  return n;
}

/** The body of POST /api/update for these settings (fields left empty are the server's defaults). */
export function updateBody(
  s: RunSettings,
  extra: { expand?: boolean; maxStocks?: number } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = { universe: s.universe };
  const maxStocks = extra.maxStocks ?? s.maxStocks;
  if (maxStocks !== null) body.maxStocks = maxStocks;
  if (s.maxConcurrent !== null) body.maxConcurrent = s.maxConcurrent;
  if (s.force) body.force = true;
  if (extra.expand) body.expand = true;
  return body;
}

/** The auto-refresh period: the server's DASHBOARD_REFRESH_INTERVAL when it says, else 5 minutes. */
export function refreshSeconds(status: { dashboardRefreshSeconds?: unknown } | null): number {
  const s = status?.dashboardRefreshSeconds;
  return typeof s === 'number' && Number.isFinite(s) && s >= 5 ? s : 300;
}
