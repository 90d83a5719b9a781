import { Link } from '../router.js';
import type { Mover } from '../state/api-types.js';
import { fmtCompact, fmtNumber, fmtPercent, signClass } from '../state/format.js';

/** Top gainers, losers or most active: symbol, name, close, change and volume. */
export function MoverTable({ rows }: { rows: Mover[] }) {
  if (rows.length === 0) return <p class="empty">No tickers on this date.</p>;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Symbol</th>
          <th>Name</th>
          <th class="num">Close</th>
          <th class="num">1D</th>
          <th class="num">Volume</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.symbol}>
            <td>
              <Link href={`/ticker/${encodeURIComponent(r.symbol)}`}>{r.symbol}</Link>
            </td>
            <td class="truncate" title={r.name ?? ''}>
              {r.name ?? ''}
            </td>
            <td class="num">{fmtNumber(r.close)}</td>
            <td class={`num ${signClass(r.ret1d)}`}>{fmtPercent(r.ret1d)}</td>
            <td class="num">{fmtCompact(r.volume)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
