import { useState } from 'preact/hooks';
import type { CoverageReport } from '../../../src/fetch/coverage-report.js';
import { LoadState } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { Link } from '../router.js';
import { fmtInt, fmtNumber, fmtTime } from '../state/format.js';
import { useApi } from '../use-api.js';

const SHOWN = 200;

/** Which tickers have which days: the share of complete tickers, the month strip, and every gap. */
export default function CoveragePage() {
  const [universe, setUniverse] = useState(new URLSearchParams(location.search).get('universe') ?? '');
  const [asked, setAsked] = useState(universe);
  const coverage = useApi<CoverageReport>(
    `/api/coverage${asked.trim() === '' ? '' : `?universe=${encodeURIComponent(asked.trim())}`}`,
  );
  return (
    <>
      <div class="page-title">
        <h1>Coverage</h1>
        <span class="as-of">checked {fmtTime(coverage.data?.generatedAt)}</span>
      </div>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(universe);
        }}
      >
        <label>
          Universe{' '}
          <input
            value={universe}
            placeholder="cached (every stored ticker), sp500, file:NAME ..."
            onInput={(e) => setUniverse((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Check</button>
      </form>
      <LoadState loaded={coverage}>{(c) => <CoverageView report={c} />}</LoadState>
    </>
  );
}

function CoverageView({ report }: { report: CoverageReport }) {
  const s = report.summary;
  const incomplete = report.tickers.filter((t) => !t.complete || t.lastError !== null);
  return (
    <div class="grid">
      <Panel title={`${report.universe}: complete tickers`} class="span-4">
        <div class="stats" data-testid="coverage-summary">
          <Stat label="Complete" tone={s.tickers === 0 ? '' : s.complete === s.tickers ? 'up' : 'down'} wide>
            {s.tickers === 0
              ? 'no data yet'
              : `${fmtInt(s.complete)} of ${fmtInt(s.tickers)} (${share(s.completeShare, 1)})`}
          </Stat>
          <Stat label="With gaps">{fmtInt(s.withGaps)}</Stat>
          <Stat label="Stale">{fmtInt(s.stale)}</Stat>
          <Stat label="No bars">{fmtInt(s.noBars)}</Stat>
          <Stat label="Missing days">
            {fmtInt(s.missingDays)} in {fmtInt(s.missingRanges)} ranges
          </Stat>
        </div>
        <ul class="hint">
          {report.calendars.map((c) => (
            <li key={c.name}>
              {c.name}: {fmtInt(c.tickers)} tickers, latest day {c.asOf ?? '—'}
            </li>
          ))}
        </ul>
        <p class="hint">
          Holidays are not gaps; half days are trading days. Fill the gaps with <code>marketdeck backfill</code>.
        </p>
      </Panel>
      <Panel title="Coverage by month" class="span-8">
        <MonthStrip months={report.months} />
      </Panel>
      <Panel title={`Incomplete tickers (${fmtInt(incomplete.length)})`} class="span-12">
        {s.tickers === 0 ? (
          <p class="empty">No data yet: no ticker has a stored bar to check.</p>
        ) : incomplete.length === 0 ? (
          <p class="empty">Every ticker has every trading day from its first bar on.</p>
        ) : (
          <table class="data" data-testid="coverage-table">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>First</th>
                <th>Last</th>
                <th class="num">Bars</th>
                <th class="num">Expected</th>
                <th class="num">Missing</th>
                <th>Missing ranges</th>
                <th>Stale since</th>
                <th>Last error</th>
                <th>Flags</th>
              </tr>
            </thead>
            <tbody>
              {incomplete.slice(0, SHOWN).map((t) => (
                <tr key={t.symbol}>
                  <td>
                    <Link href={`/ticker/${encodeURIComponent(t.symbol)}`}>{t.symbol}</Link>
                  </td>
                  <td>{t.firstDate ?? '—'}</td>
                  <td>{t.lastDate ?? '—'}</td>
                  <td class="num">{fmtInt(t.bars)}</td>
                  <td class="num">{fmtInt(t.expectedDays)}</td>
                  <td class={`num ${t.missingDays > 0 ? 'down' : ''}`}>{fmtInt(t.missingDays)}</td>
                  <td>
                    {t.missing
                      .slice(0, 4)
                      .map((r) => (r.from === r.to ? r.from : `${r.from} – ${r.to}`))
                      .join(', ')}
                    {t.missing.length > 4 ? ` +${t.missing.length - 4} more` : ''}
                  </td>
                  <td>{t.staleSince ?? ''}</td>
                  <td class={t.lastError ? 'down' : ''}>{t.lastError ?? ''}</td>
                  <td>{[...new Set(t.flags.map((f) => f.kind))].join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {incomplete.length > SHOWN ? (
          <p class="hint">
            {fmtInt(incomplete.length - SHOWN)} more: <code>marketdeck coverage --csv</code> lists every ticker.
          </p>
        ) : null}
      </Panel>
    </div>
  );
}

const MONTH_LETTERS = ['J', 'F', 'M', 'A', 'M', 'J', 'J', 'A', 'S', 'O', 'N', 'D'];
/**
 * The colour steps of a month's share, lowest first: the calendar's cells and its legend both read them, so a
 * legend never names a threshold the cells do not use.
 */
const SHARE_STEPS: readonly { label: string; min: number; color: string }[] = [
  { label: '< 99 %', min: 0, color: '#ef5350' },
  { label: '≥ 99 %', min: 0.99, color: '#f5a623' },
  { label: '≥ 99.9 %', min: 0.999, color: '#9ccc65' },
  { label: '100 %', min: 1, color: '#26a69a' },
];

/**
 * A calendar of months, a year a row, as coverage is read: a gap that recurs every spring stands in one column,
 * and a bad year is one row. Green when every expected ticker-day is there, through amber to red.
 */
function MonthStrip({ months }: { months: CoverageReport['months'] }) {
  if (months.length === 0) return <p class="empty">No bars stored.</p>;
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const first = Number(months[0].month.slice(0, 4));
  const last = Number(months[months.length - 1].month.slice(0, 4));
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return (
    <>
      <div class="month-calendar" data-testid="coverage-strip">
        <span />
        {MONTH_LETTERS.map((letter, i) => (
          <span key={`h${i}`} class="month-head">
            {letter}
          </span>
        ))}
        {years.flatMap((year) => [
          <span key={year} class="month-year">
            {year}
          </span>,
          ...MONTH_LETTERS.map((_, i) => {
            const key = `${year}-${String(i + 1).padStart(2, '0')}`;
            const m = byMonth.get(key);
            if (!m) return <span key={key} class="month-cell none" />;
            return (
              <span
                key={key}
                class="month-cell"
                data-month={key}
                title={`${m.month}: ${share(m.share, 2)} (${fmtInt(m.present)} of ${fmtInt(m.expected)} ticker-days)`}
                style={{ background: shareColor(m.share) }}
              />
            );
          }),
        ])}
      </div>
      <p class="hint month-legend">
        {SHARE_STEPS.map((step) => (
          <span key={step.label}>
            <i style={{ background: step.color }} />
            {step.label}
          </span>
        ))}
        <span>
          of a month's ticker-days present, {months[0].month} – {months[months.length - 1].month}; hover a month for its
          figure.
        </span>
      </p>
    </>
  );
}

/** A share 0-1 as a percent, unsigned and rounded down: one ticker-day missing in 2,000 is not 100 %. */
function share(x: number, digits: number): string {
  const scale = 10 ** digits;
  return `${fmtNumber(Math.floor(x * 100 * scale) / scale, digits)} %`;
}

function shareColor(share: number): string {
  return (SHARE_STEPS.findLast((step) => share >= step.min) ?? SHARE_STEPS[0]).color;
}
