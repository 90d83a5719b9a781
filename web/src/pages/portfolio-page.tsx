import { ErrorNote } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Link } from '../router.js';
import { fmtCompact, fmtNumber, signClass } from '../state/format.js';
import { useApi } from '../use-api.js';

/** One holding as GET /api/portfolios/:name answers it (the portfolio analytics' holding figures). */
interface Holding {
  symbol: string;
  sector?: string | null;
  currency?: string;
  shares?: number | null;
  price?: number | null;
  priceDate?: string | null;
  value?: number | null;
  /** A fraction of the portfolio's value. */
  weight?: number | null;
  costBasis?: number | null;
  unrealisedPnl?: number | null;
}

interface PortfolioList {
  data?: { name: string; holdings?: number }[] | { portfolios?: { name: string }[] };
}

interface PortfolioAnswer {
  data?: { name?: string; holdings?: Holding[]; asOf?: string | null };
}

/**
 * The portfolio page: holdings of an imported portfolio. Until one is imported (the endpoint answers 404 or
 * an empty list) it says how to import one. Kept separate and small so the portfolio work can grow it.
 */
export default function PortfolioPage() {
  const list = useApi<PortfolioList>('/api/portfolios');
  const names = portfolioNames(list.data);
  const first = names[0] ?? null;
  const one = useApi<PortfolioAnswer>(first ? `/api/portfolios/${encodeURIComponent(first)}` : null);
  const missing = list.error && (list.error.status === 404 || list.error.notReady);
  if (list.loading && !list.data) return <div class="skeleton page-skeleton" aria-busy="true" />;
  if (missing || (list.data && names.length === 0)) return <NoPortfolio />;
  if (list.error) return <ErrorNote error={list.error} />;
  const holdings = one.data?.data?.holdings ?? [];
  return (
    <>
      <div class="page-title">
        <h1>Portfolio {first}</h1>
        {one.data?.data?.asOf ? <span class="as-of">as of {one.data.data.asOf}</span> : null}
      </div>
      <Panel title="Holdings">
        {one.error ? <ErrorNote error={one.error} /> : <HoldingsTable holdings={holdings} />}
      </Panel>
    </>
  );
}

function portfolioNames(list: PortfolioList | null): string[] {
  const d = list?.data;
  if (!d) return [];
  const items = Array.isArray(d) ? d : (d.portfolios ?? []);
  return items.map((p) => p.name).filter((n): n is string => typeof n === 'string');
}

function NoPortfolio() {
  return (
    <div class="first-run" data-testid="no-portfolio">
      <h2>No portfolio yet</h2>
      <p>
        Import your holdings from a CSV file (symbol and quantity, optionally cost basis):{' '}
        <code>marketdeck portfolio import FILE</code>
      </p>
      <p class="hint">
        The page then shows each holding with its value and returns. Meanwhile the{' '}
        <Link href="/screener">screener</Link> covers every stored ticker.
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
        </tr>
      </thead>
      <tbody>
        {holdings.map((h) => (
          <tr key={h.symbol}>
            <td>
              <Link href={`/ticker/${encodeURIComponent(h.symbol)}`}>{h.symbol}</Link>
            </td>
            <td class="truncate">{h.sector ?? ''}</td>
            <td class="num">{fmtNumber(h.shares ?? null, 2)}</td>
            <td class="num" title={h.priceDate ? `close of ${h.priceDate}` : ''}>
              {fmtNumber(h.price ?? null)}
            </td>
            <td class="num">{fmtCompact(h.value ?? null)}</td>
            <td class="num">{typeof h.weight === 'number' ? `${fmtNumber(h.weight * 100, 1)}%` : '—'}</td>
            <td class="num">{fmtNumber(h.costBasis ?? null)}</td>
            <td class={`num ${signClass(h.unrealisedPnl)}`}>{fmtNumber(h.unrealisedPnl ?? null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
