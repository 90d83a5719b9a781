import { useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { dayToSeconds } from '../charts/theme-colors.js';
import { UPlotChart } from '../charts/uplot-chart.js';
import { ErrorNote } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { Link } from '../router.js';
import { fmtNumber, fmtPercent, signClass } from '../state/format.js';
import { shellWord } from '../state/shell-word.js';
import { useApi } from '../use-api.js';

/** A figure as the API sends it: a number, or null where it cannot be computed. */
type Fig = number | null;

/** One holding of GET /api/portfolios/:name (`analytics.holdings`); money in the base currency. */
interface Holding {
  symbol: string;
  currency: string;
  sector: string;
  shares: number;
  price: Fig;
  priceDate: string | null;
  value: number;
  /** A fraction of the portfolio's value. */
  weight: number;
  costBasis: number;
  unrealisedPnl: number;
  realisedPnl: number;
  dividends: number;
  /** Sum of the holding's daily P&L over the day's starting capital. */
  contribution: Fig;
}

/** `analytics` of GET /api/portfolios/:name (README, HTTP API): returns and weights are fractions. */
interface Analytics {
  name: string;
  baseCurrency: string;
  benchmark: string;
  asOf: string | null;
  value: number;
  cash: number;
  invested: number;
  unrealisedPnl: number;
  realisedPnl: number;
  dividends: number;
  totalPnl: number;
  timeWeightedReturn: Fig;
  moneyWeightedReturn: Fig;
  dailyReturn: Fig;
  volatility: Fig;
  sharpe: Fig;
  maxDrawdown: Fig;
  beta: Fig;
  correlation: Fig;
  benchmarkReturn: Fig;
  holdings: Holding[];
  sectors: { sector: string; value: number; weight: number }[];
  underperformers: { symbol: string; reasons: string[] }[];
  equityCurve: { dates: string[]; value: number[]; index: number[]; benchmark: Fig[] };
  warnings: string[];
}

interface Report {
  symbol: string;
  runId: string;
  analyst: string;
  verdict: 'buy' | 'hold' | 'sell';
  reasons: string[];
  createdAt: string;
}

interface PortfolioAnswer {
  portfolio: { name: string; baseCurrency: string; source: string | null; updatedAt: string; transactions: unknown[] };
  analytics: Analytics | null;
  analyticsError: string | null;
  reports: Report[];
}

interface PortfolioList {
  portfolios: { name: string; transactions: number; symbols: number }[];
}

/** A fraction as percent (0.052 -> +5.20%); `signed` for changes, not for sizes such as a volatility. */
const pct = (v: Fig | undefined, digits = 2, signed = true) =>
  fmtPercent(v === null || v === undefined ? v : v * 100, digits, signed);

/**
 * The portfolio page: a stored portfolio's value, P&L, returns and risk against its benchmark, the equity
 * curve beside the benchmark's, holdings, sector allocation, underperformers and the holdings' latest deep
 * analysis reports. Until a portfolio is imported it says how.
 */
export default function PortfolioPage() {
  const list = useApi<PortfolioList>('/api/portfolios');
  const names = list.data?.portfolios.map((p) => p.name) ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const name = chosen !== null && names.includes(chosen) ? chosen : (names[0] ?? null);
  const one = useApi<PortfolioAnswer>(name ? `/api/portfolios/${encodeURIComponent(name)}` : null);
  if (list.loading && !list.data) return <div class="skeleton page-skeleton" aria-busy="true" />;
  if (list.error) return <ErrorNote error={list.error} />;
  if (names.length === 0) return <NoPortfolio />;
  const answer = one.data;
  const a = answer?.analytics ?? null;
  return (
    <>
      <div class="page-title">
        <h1>Portfolio {name}</h1>
        {a?.asOf ? <span class="as-of">as of {a.asOf}</span> : null}
        {names.length > 1 ? (
          <select
            aria-label="Portfolio"
            value={name ?? ''}
            onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {one.error ? <ErrorNote error={one.error} /> : null}
      {answer?.analyticsError ? <p class="hint">{answer.analyticsError}</p> : null}
      {a ? (
        <div class="grid">
          <Panel title={`Summary (${a.baseCurrency})`} asOf={a.asOf} class="span-12">
            <Summary a={a} />
          </Panel>
          <Panel title={`Equity curve against ${a.benchmark}`} class="span-8">
            <EquityCurve a={a} />
          </Panel>
          <Panel title="Sector allocation" class="span-4">
            <Sectors a={a} />
          </Panel>
          <Panel title="Holdings" class="span-12">
            <HoldingsTable holdings={a.holdings.filter((h) => h.shares > 0)} />
          </Panel>
          <Panel title="Underperformers" class="span-6">
            <Underperformers a={a} />
          </Panel>
          <Panel title="Latest reports" class="span-6">
            <Reports reports={answer?.reports ?? []} portfolio={name ?? ''} />
          </Panel>
          {a.warnings.length > 0 ? (
            <Panel title="Data notes" class="span-12">
              <ul class="hint">
                {a.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </Panel>
          ) : null}
        </div>
      ) : one.loading ? (
        <div class="skeleton page-skeleton" aria-busy="true" />
      ) : null}
    </>
  );
}

function Summary({ a }: { a: Analytics }) {
  return (
    <div class="stats" data-testid="portfolio-summary">
      <Stat label="Value">{fmtNumber(a.value)}</Stat>
      <Stat label="Invested">{fmtNumber(a.invested)}</Stat>
      <Stat label="Total P&L" tone={signClass(a.totalPnl)}>
        {fmtNumber(a.totalPnl)}
      </Stat>
      <Stat label="Unrealised / realised">
        {fmtNumber(a.unrealisedPnl)} / {fmtNumber(a.realisedPnl)}
      </Stat>
      <Stat label="Dividends">{fmtNumber(a.dividends)}</Stat>
      <Stat label="Time-weighted return" tone={signClass(a.timeWeightedReturn)}>
        {pct(a.timeWeightedReturn)}
      </Stat>
      <Stat label="Money-weighted (a year)" tone={signClass(a.moneyWeightedReturn)}>
        {pct(a.moneyWeightedReturn)}
      </Stat>
      <Stat label={`${a.benchmark} over the period`} tone={signClass(a.benchmarkReturn)}>
        {pct(a.benchmarkReturn)}
      </Stat>
      <Stat label="Last day" tone={signClass(a.dailyReturn)}>
        {pct(a.dailyReturn)}
      </Stat>
      <Stat label="Volatility (annualised)">{pct(a.volatility, 1, false)}</Stat>
      <Stat label="Sharpe">{fmtNumber(a.sharpe)}</Stat>
      <Stat label="Max drawdown">{pct(a.maxDrawdown === null ? null : -a.maxDrawdown, 1)}</Stat>
      <Stat label={`Beta / correlation to ${a.benchmark}`}>
        {fmtNumber(a.beta)} / {fmtNumber(a.correlation)}
      </Stat>
    </div>
  );
}

function EquityCurve({ a }: { a: Analytics }) {
  const c = a.equityCurve;
  if (c.dates.length < 2) return <p class="empty">Not enough history for a curve yet.</p>;
  const data: uPlot.AlignedData = [c.dates.map(dayToSeconds), c.index, c.benchmark];
  return (
    <UPlotChart
      data={data}
      series={[
        { label: 'Portfolio (time-weighted)', color: '#4c9aff', format: (v) => (v === null ? '—' : fmtNumber(v, 3)) },
        { label: a.benchmark, color: '#a0a0a0', format: (v) => (v === null ? '—' : fmtNumber(v, 3)) },
      ]}
      height={260}
      rules={[1]}
      testId="equity-curve"
    />
  );
}

function Sectors({ a }: { a: Analytics }) {
  if (a.sectors.length === 0) return <p class="empty">Nothing held.</p>;
  return (
    <table class="data" data-testid="sectors">
      <tbody>
        {a.sectors.map((s) => (
          <tr key={s.sector}>
            <td class="truncate" title={s.sector}>
              {s.sector}
            </td>
            <td class="num">{fmtNumber(s.value)}</td>
            <td class="num">{fmtNumber(s.weight * 100, 1)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Underperformers({ a }: { a: Analytics }) {
  if (a.underperformers.length === 0) return <p class="empty">No holding lags its benchmark or its trend.</p>;
  return (
    <ul data-testid="underperformers">
      {a.underperformers.map((u) => (
        <li key={u.symbol}>
          <Link href={`/ticker/${encodeURIComponent(u.symbol)}`}>{u.symbol}</Link>: {u.reasons.join('; ')}
        </li>
      ))}
    </ul>
  );
}

function Reports({ reports, portfolio }: { reports: Report[]; portfolio: string }) {
  if (reports.length === 0) {
    return (
      <p class="empty">
        No report yet: <code>marketdeck report --portfolio {shellWord(portfolio)}</code>
      </p>
    );
  }
  return (
    <table class="data" data-testid="reports">
      <tbody>
        {reports.map((r) => (
          <tr key={r.symbol}>
            <td>
              <Link href={`/ticker/${encodeURIComponent(r.symbol)}`}>{r.symbol}</Link>
            </td>
            <td class={r.verdict === 'buy' ? 'up' : r.verdict === 'sell' ? 'down' : ''}>{r.verdict}</td>
            <td class="truncate" title={r.reasons.join('\n')}>
              {r.reasons[0] ?? ''}
            </td>
            <td class="dim">{r.createdAt.slice(0, 10)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NoPortfolio() {
  return (
    <div class="first-run" data-testid="no-portfolio">
      <h2>No portfolio yet</h2>
      <p>
        Import your holdings or transactions (CSV or JSON, or a Ghostfolio export):{' '}
        <code>marketdeck portfolio import FILE --name N</code>
      </p>
      <p class="hint">
        Then fetch their bars (<code>marketdeck fetch --universe portfolio:N</code>) and the page shows value, returns,
        risk and the equity curve. Meanwhile the <Link href="/screener">screener</Link> covers every stored ticker.
      </p>
    </div>
  );
}

function HoldingsTable({ holdings }: { holdings: Holding[] }) {
  if (holdings.length === 0) return <p class="empty">This portfolio holds nothing.</p>;
  return (
    <table class="data" data-testid="holdings">
      <thead>
        <tr>
          <th>Symbol</th>
          <th>Sector</th>
          <th class="num">Shares</th>
          <th class="num">Price</th>
          <th class="num">Value</th>
          <th class="num">Weight</th>
          <th class="num">Cost basis</th>
          <th class="num">Unrealised P&amp;L</th>
          <th class="num">Realised</th>
          <th class="num">Dividends</th>
          <th class="num">Contribution</th>
        </tr>
      </thead>
      <tbody>
        {holdings.map((h) => (
          <tr key={h.symbol}>
            <td>
              <Link href={`/ticker/${encodeURIComponent(h.symbol)}`}>{h.symbol}</Link>
            </td>
            <td class="truncate" title={h.sector}>
              {h.sector}
            </td>
            <td class="num">{fmtNumber(h.shares, 2)}</td>
            <td class="num" title={h.priceDate ? `close of ${h.priceDate}` : ''}>
              {fmtNumber(h.price)} {h.currency}
            </td>
            <td class="num">{fmtNumber(h.value)}</td>
            <td class="num">{fmtNumber(h.weight * 100, 1)}%</td>
            <td class="num">{fmtNumber(h.costBasis)}</td>
            <td class={`num ${signClass(h.unrealisedPnl)}`}>{fmtNumber(h.unrealisedPnl)}</td>
            <td class={`num ${signClass(h.realisedPnl)}`}>{fmtNumber(h.realisedPnl)}</td>
            <td class="num">{fmtNumber(h.dividends)}</td>
            <td class={`num ${signClass(h.contribution)}`}>{pct(h.contribution)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
