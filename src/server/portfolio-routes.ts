import type { TickerReport } from '../domain/analyst-report.js';
import { isoFromDay } from '../domain/epoch-day.js';
import { InvalidSymbolError, normalizeSymbol } from '../domain/symbol.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { MissingFxError } from '../portfolio/compute-portfolio-analytics.js';
import { importPortfolioText } from '../portfolio/import-portfolio-file.js';
import { loadPortfolioAnalytics, portfolioSymbols } from '../portfolio/load-portfolio-analytics.js';
import { PortfolioImportError } from '../portfolio/portfolio-import-error.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { badParam, noParams } from './bad-param.js';
import { jobParamsOfBody } from './job-body.js';
import { readJsonBody } from './read-json-body.js';
import type { Route } from './route.js';
import { sendJson } from './send-json.js';

export interface PortfolioRoutesDeps {
  store: Store;
  queue: JobQueue;
}

/** Query parameters an endpoint takes, each checked; any other is refused naming it. */
function queryOf(url: URL, allowed: Record<string, (value: string) => boolean>, what: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!(name in allowed)) {
      throw badParam(name, value, `one of ${Object.keys(allowed).join(', ')}`);
    }
    if (!allowed[name](value)) throw badParam(name, value, what[name]);
    out[name] = value;
  }
  return out;
}

const isSymbol = (v: string) => {
  try {
    normalizeSymbol(v);
    return true;
  } catch {
    return false;
  }
};

const isDays = (v: string) => /^\d{1,4}$/.test(v) && Number(v) <= 2520;
const isFraction = (v: string) => /^(0|1|0?\.\d+)$/.test(v);

/** A report without the facts it was computed from: what lists show. */
function brief({ facts: _facts, ...rest }: TickerReport): Omit<TickerReport, 'facts'> {
  return rest;
}

function unknownPortfolio(name: string, known: readonly string[]): ApiError {
  return new ApiError(
    'MD_ERR_UNKNOWN_PORTFOLIO',
    `no portfolio named "${name}"; stored: ${known.length > 0 ? known.join(', ') : 'none (POST /api/portfolios to import one)'}`,
  );
}

/**
 * Portfolios and deep-analysis reports over HTTP: list, show (with every figure and the latest reports of
 * the holdings) and import portfolios; list reports, one ticker's history, and queue a report job.
 */
export function portfolioRoutes({ store, queue }: PortfolioRoutesDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: ['api', 'portfolios'],
      handler: async (_req, res, url) => {
        noParams(url);
        sendJson(res, 200, { portfolios: await store.portfolios.list() });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'portfolios', ':name'],
      handler: async (_req, res, url, [name]) => {
        const q = queryOf(
          url,
          { benchmark: isSymbol, periodDays: isDays, smaDays: isDays, drawdown: isFraction, riskFree: isFraction },
          {
            benchmark: 'a ticker symbol such as SPY',
            periodDays: 'an integer 0-2520 (0 = off)',
            smaDays: 'an integer 0-2520 (0 = off)',
            drawdown: 'a fraction 0-1 (0 = off)',
            riskFree: 'an annual rate 0-1',
          },
        );
        const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
        const portfolio = await store.portfolios.get(name);
        if (!portfolio)
          throw unknownPortfolio(
            name,
            (await store.portfolios.list()).map((p) => p.name),
          );
        let analytics = null;
        let analyticsError: string | null = null;
        try {
          analytics = await loadPortfolioAnalytics(store, portfolio, {
            benchmark: q.benchmark === undefined ? undefined : normalizeSymbol(q.benchmark),
            riskFreeRate: num(q.riskFree),
            underperformers: { periodDays: num(q.periodDays), smaDays: num(q.smaDays), drawdown: num(q.drawdown) },
          });
        } catch (error) {
          // The holdings still show when a conversion rate is missing; the answer says what to fetch.
          if (!(error instanceof MissingFxError)) throw error;
          analyticsError = error.message;
        }
        const { holdings } = portfolioSymbols(portfolio);
        sendJson(res, 200, {
          portfolio: {
            ...portfolio,
            transactions: portfolio.transactions.map((t) => ({ ...t, date: isoFromDay(t.date) })),
          },
          analytics,
          analyticsError,
          reports: (await store.reports.latest(holdings)).map(brief),
        });
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'portfolios'],
      handler: async (req, res, url) => {
        noParams(url);
        const body = await readJsonBody(req);
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof b.content !== 'string') {
          throw new ApiError(
            'MD_ERR_BAD_BODY',
            'expected {"name": "...", "content": "<the CSV or JSON file\'s text>", "fileName"?: "...", "baseCurrency"?: "USD"}',
          );
        }
        for (const key of ['name', 'fileName', 'baseCurrency'] as const) {
          if (b[key] !== undefined && typeof b[key] !== 'string') {
            throw new ApiError('MD_ERR_BAD_BODY', `"${key}" is ${JSON.stringify(b[key])}; expected a string`);
          }
        }
        try {
          const summary = await importPortfolioText(store, b.content, (b.fileName as string | undefined) ?? 'upload', {
            name: b.name as string | undefined,
            baseCurrency: b.baseCurrency as string | undefined,
          });
          sendJson(res, 201, summary);
        } catch (error) {
          if (error instanceof PortfolioImportError || error instanceof RangeError) {
            throw new ApiError('MD_ERR_BAD_PORTFOLIO', error.message);
          }
          if (error instanceof Error && /^upload: |not valid JSON|expected a JSON array/.test(error.message)) {
            throw new ApiError('MD_ERR_BAD_PORTFOLIO', error.message);
          }
          throw error;
        }
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'reports'],
      handler: async (_req, res, url) => {
        noParams(url);
        const [reports, runs] = await Promise.all([store.reports.latest(), queue.list({ kind: 'report', limit: 10 })]);
        sendJson(res, 200, { reports: reports.map(brief), runs });
      },
    },
    {
      method: 'GET',
      pattern: ['api', 'reports', ':symbol'],
      handler: async (_req, res, url, [raw]) => {
        const q = queryOf(
          url,
          { limit: (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100 },
          { limit: 'an integer 1-100' },
        );
        let symbol: string;
        try {
          symbol = normalizeSymbol(raw);
        } catch (error) {
          if (error instanceof InvalidSymbolError) throw new ApiError('MD_ERR_UNKNOWN_REPORT', error.message);
          throw error;
        }
        const reports = await store.reports.forSymbol(symbol, q.limit === undefined ? 20 : Number(q.limit));
        if (reports.length === 0) {
          throw new ApiError(
            'MD_ERR_UNKNOWN_REPORT',
            `no report on "${symbol}" yet; run marketdeck report --tickers ${symbol}`,
          );
        }
        sendJson(res, 200, { symbol, reports });
      },
    },
    {
      method: 'POST',
      pattern: ['api', 'reports'],
      handler: async (req, res, url) => {
        noParams(url);
        const params = jobParamsOfBody('report', await readJsonBody(req));
        if (typeof params.portfolio === 'string' && !(await store.portfolios.get(params.portfolio))) {
          throw unknownPortfolio(
            params.portfolio,
            (await store.portfolios.list()).map((p) => p.name),
          );
        }
        const handle = await queue.enqueue('report', params);
        sendJson(res, 202, {
          id: handle.id,
          kind: handle.kind,
          joined: handle.joined,
          run: await queue.get(handle.id),
        });
      },
    },
  ];
}
