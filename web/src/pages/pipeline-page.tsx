import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { dayToSeconds } from '../charts/theme-colors.js';
import { type SeriesSpec, UPlotChart } from '../charts/uplot-chart.js';
import { Gantt } from '../components/gantt.js';
import { LoadState } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { Link } from '../router.js';
import type {
  CacheStats,
  ErrorsByKindPayload,
  FetchThroughputPayload,
  JobOutcomesPayload,
  Payload,
  ScreenerAnswer,
  StatusAnswer,
  TimelinePayload,
} from '../state/api-types.js';
import { fmtBytes, fmtInt, fmtNumber, fmtRelative, fmtTime } from '../state/format.js';
import { useApi } from '../use-api.js';
import { OperationsPanels } from './operations-panels.js';

const JOB_SERIES: SeriesSpec[] = [
  { label: 'succeeded', color: '#26a69a', kind: 'bars' },
  { label: 'failed', color: '#ef5350', kind: 'bars' },
];
const THROUGHPUT_SERIES: SeriesSpec[] = [{ label: 'tickers fetched', color: '#4c9aff', kind: 'bars' }];

/** What the pipeline did: jobs of the day, fetch throughput, errors, job outcomes, cache and freshness. */
export default function PipelinePage() {
  const timeline = useApi<Payload<TimelinePayload>>('/api/pipeline/timeline24h');
  const throughput = useApi<Payload<FetchThroughputPayload>>('/api/pipeline/fetchThroughput');
  const errors = useApi<Payload<ErrorsByKindPayload>>('/api/pipeline/errors30d');
  const jobs = useApi<Payload<JobOutcomesPayload>>('/api/pipeline/jobs7d');
  const cache = useApi<CacheStats & { ttlMinutes: number }>('/api/cache/stats');
  const status = useApi<StatusAnswer>('/api/status');
  const fresh = useApi<Payload<ScreenerAnswer>>('/api/screener?limit=10000&sort=date&dir=asc');
  return (
    <>
      <div class="page-title">
        <h1>Pipeline</h1>
        <span class="as-of">generated {fmtTime(timeline.data?.meta.createdAt)}</span>
      </div>
      <div class="grid">
        <Panel title="Jobs, last 24 hours" class="span-8">
          <LoadState loaded={timeline}>{({ data }) => <Gantt timeline={data} />}</LoadState>
        </Panel>
        <Panel title="Cache" class="span-4">
          <LoadState loaded={cache}>
            {(c) => (
              <div class="stats" data-testid="cache-stats">
                <Stat label="Entries fresh / expired">
                  <span class="up">{fmtInt(c.fresh)}</span> /{' '}
                  <span class={c.expired > 0 ? 'down' : ''}>{fmtInt(c.expired)}</span>
                </Stat>
                <Stat label="TTL">{c.ttlMinutes} min</Stat>
                <Stat label="Hits / misses">
                  {fmtInt(c.hits)} / {fmtInt(c.misses)}
                </Stat>
                <Stat label="Size">{fmtBytes(c.bytes)}</Stat>
                <Stat label="Newest entry">{fmtRelative(c.newest)}</Stat>
                <Stat label="Oldest entry">{fmtRelative(c.oldest)}</Stat>
              </div>
            )}
          </LoadState>
        </Panel>
        <OperationsPanels />
        <Panel title="Fetch throughput, tickers per hour" class="span-6">
          <LoadState loaded={throughput}>{({ data }) => <Throughput payload={data} />}</LoadState>
        </Panel>
        <Panel title="Job outcomes per day" class="span-6">
          <LoadState loaded={jobs}>{({ data }) => <JobOutcomes payload={data} />}</LoadState>
        </Panel>
        <Panel title="Errors by kind, 30 days" class="span-6">
          <LoadState loaded={errors}>{({ data }) => <ErrorsByKind payload={data} />}</LoadState>
        </Panel>
        <Panel title="Freshness by source" class="span-6">
          <LoadState loaded={status}>
            {(s) => (
              <table class="data">
                <thead>
                  <tr>
                    <th>Source</th>
                    <th class="num">Fresh</th>
                    <th class="num">Stale</th>
                    <th class="num">Failed</th>
                    <th class="num">Never</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(s.freshness.sources).map(([name, f]) => (
                    <tr key={name}>
                      <td>{name}</td>
                      <td class="num up">{fmtInt(f.fresh)}</td>
                      <td class="num">{fmtInt(f.stale)}</td>
                      <td class={`num ${f.failed > 0 ? 'down' : ''}`}>{fmtInt(f.failed)}</td>
                      <td class="num">{fmtInt(f.never)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </LoadState>
          <p class="hint">Fresh: fetched within {status.data?.freshness.maxAge ?? 'FETCH_MAX_AGE'}.</p>
        </Panel>
        <Panel title="Each ticker's last bar, oldest first" class="span-12">
          <LoadState loaded={fresh}>{({ data }) => <TickerFreshness payload={data} />}</LoadState>
        </Panel>
      </div>
    </>
  );
}

function Throughput({ payload }: { payload: FetchThroughputPayload }) {
  const data = useMemo(
    () =>
      [
        payload.perHour.map((h) => Date.parse(h.hour) / 1000),
        payload.perHour.map((h) => h.tickers),
      ] as uPlot.AlignedData,
    [payload],
  );
  const runs = payload.runs.slice(-5).reverse();
  const written = payload.perHour.reduce((n, h) => n + h.tickers, 0);
  return (
    <>
      <UPlotChart data={data} series={THROUGHPUT_SERIES} height={160} timeFormat="hour" testId="throughput-chart" />
      {runs.length > 0 ? (
        <table class="data">
          <thead>
            <tr>
              <th>Run</th>
              <th class="num">Tickers</th>
              <th class="num">Bars</th>
              <th class="num">Tickers/s</th>
              <th class="num">Took</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.kind} {fmtTime(r.at)}
                </td>
                <td class="num">{fmtInt(r.tickers)}</td>
                <td class="num">{fmtInt(r.bars)}</td>
                <td class="num">{fmtNumber(r.tickersPerSecond, 1)}</td>
                <td class="num">{r.durationMs === null ? '—' : `${(r.durationMs / 1000).toFixed(1)} s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="hint">
          {written > 0
            ? `${fmtInt(written)} tickers got new bars in the last 24 hours (an import or the bundled sample counts), but no fetch or update run is recorded in the last 30 days.`
            : 'No ticker got new bars in the last 24 hours and no fetch run is recorded in the last 30 days.'}
        </p>
      )}
    </>
  );
}

function JobOutcomes({ payload }: { payload: JobOutcomesPayload }) {
  const data = useMemo(
    () =>
      [
        payload.days.map(dayToSeconds),
        payload.succeeded,
        payload.days.map((_, i) => payload.failed[i] + payload.cancelled[i] + payload.interrupted[i]),
      ] as uPlot.AlignedData,
    [payload],
  );
  return <UPlotChart data={data} series={JOB_SERIES} height={180} testId="jobs-chart" />;
}

function ErrorsByKind({ payload }: { payload: ErrorsByKindPayload }) {
  const series = useMemo(() => payload.kinds.map((k): SeriesSpec => ({ label: k, kind: 'bars' })), [payload]);
  const data = useMemo(
    () => [payload.days.map(dayToSeconds), ...payload.kinds.map((k) => payload.counts[k])] as uPlot.AlignedData,
    [payload],
  );
  if (payload.kinds.length === 0) return <p class="empty">No fetch errors in the last 30 days.</p>;
  return (
    <>
      <UPlotChart data={data} series={series} height={160} testId="errors-chart" />
      <div class="chips">
        {payload.kinds.map((k) => (
          <span class="chip" key={k}>
            {k}: {fmtInt(payload.totals[k])}
          </span>
        ))}
      </div>
    </>
  );
}

/** Rows of the last-bar table; the screener, sorted by date, has every ticker. */
const SHOWN_TICKERS = 60;

function TickerFreshness({ payload }: { payload: ScreenerAnswer }) {
  const at = (name: string) => payload.columns.indexOf(name);
  const [iSym, iDate, iBars, iFlags] = [at('symbol'), at('date'), at('bars'), at('flags')];
  const latest = payload.asOf;
  const behind = payload.rows.filter((r) => r[iDate] !== latest);
  const shown = payload.rows.slice(0, SHOWN_TICKERS);
  return (
    <>
      <p data-testid="freshness-summary">
        {fmtInt(payload.rows.length - behind.length)} of {fmtInt(payload.rows.length)} tickers have a bar for the latest
        day ({latest ?? '—'}); {fmtInt(behind.length)} are behind.{' '}
        {shown.length < payload.rows.length ? (
          <>
            Showing the {fmtInt(shown.length)} oldest of {fmtInt(payload.rows.length)};{' '}
            <Link href="/screener?sort=date&dir=asc&cols=symbol,date,bars,flags">the screener lists them all</Link>.
          </>
        ) : null}
      </p>
      <table class="data">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Last bar</th>
            <th class="num">Bars</th>
            <th>Flags</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={String(r[iSym])}>
              <td>
                <Link href={`/ticker/${encodeURIComponent(String(r[iSym]))}`}>{String(r[iSym])}</Link>
              </td>
              <td class={r[iDate] === latest ? '' : 'down'}>{String(r[iDate] ?? '—')}</td>
              <td class="num">{fmtInt(r[iBars] as number | null)}</td>
              <td>{Array.isArray(r[iFlags]) ? (r[iFlags] as string[]).join(', ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
