import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { ScheduleInfo } from '../../../src/jobs/describe-schedules.js';
import type { HealthDetails } from '../../../src/jobs/health-details.js';
import { type SeriesSpec, UPlotChart } from '../charts/uplot-chart.js';
import { LoadState } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { fmtBytes, fmtInt, fmtNumber, fmtRelative, fmtTime } from '../state/format.js';
import { useApi } from '../use-api.js';

/** The health charts show the last 24 hours, however few samples there are yet. */
const DAY_SECONDS = 86_400;

const pct = (v: number | null) => (v === null ? '—' : `${fmtNumber(v, 1)} %`);
const CPU_SERIES: SeriesSpec[] = [
  { label: 'machine CPU', color: '#4c9aff', format: pct },
  { label: 'this process', color: '#f5a623', format: pct },
  { label: 'memory used', color: '#ab47bc', format: pct },
];
const MEMORY_SERIES: SeriesSpec[] = [
  { label: 'process RSS MB', color: '#26a69a' },
  { label: 'database MB', color: '#4c9aff' },
  { label: 'WAL MB', color: '#f5a623' },
];
const LOOP_SERIES: SeriesSpec[] = [{ label: 'event-loop delay p99 ms', color: '#ef5350' }];

/** The Pipeline page's operations panels: every schedule, and the last 24 hours of system and database health. */
export function OperationsPanels() {
  const schedules = useApi<{ schedules: ScheduleInfo[] }>('/api/schedules');
  const health = useApi<HealthDetails>('/api/health/details');
  return (
    <>
      <Panel title="Schedules" class="span-12">
        <LoadState loaded={schedules}>{(s) => <SchedulesTable schedules={s.schedules} />}</LoadState>
      </Panel>
      <Panel title="System, last 24 hours" class="span-6">
        <LoadState loaded={health}>{(h) => <HealthCharts health={h} />}</LoadState>
      </Panel>
      <Panel title="Database and process" class="span-6">
        <LoadState loaded={health}>{(h) => <DatabaseHealth health={h} />}</LoadState>
      </Panel>
    </>
  );
}

function SchedulesTable({ schedules }: { schedules: ScheduleInfo[] }) {
  return (
    <table class="data" data-testid="schedules-table">
      <thead>
        <tr>
          <th>Schedule</th>
          <th>Cron ({schedules[0]?.timezone ?? 'America/New_York'})</th>
          <th>Next run</th>
          <th>Last run</th>
          <th>Status</th>
          <th class="num">Took</th>
          <th class="num">Success, 7 days</th>
        </tr>
      </thead>
      <tbody>
        {schedules.map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>{s.enabled ? <code>{s.cron}</code> : <span class="dim">off ({s.setting})</span>}</td>
            <td>{s.nextRun ? fmtTime(s.nextRun) : '—'}</td>
            <td>{s.lastRun?.startedAt ? fmtRelative(s.lastRun.startedAt) : 'never'}</td>
            <td class={s.lastRun?.status === 'failed' ? 'down' : ''}>{s.lastRun?.status ?? ''}</td>
            <td class="num">
              {s.lastRun?.durationMs === null || s.lastRun === null
                ? '—'
                : `${fmtNumber(s.lastRun.durationMs / 1000, 1)} s`}
            </td>
            <td class="num">
              {s.last7d.successRate === null
                ? `${fmtInt(s.last7d.runs)} runs`
                : `${fmtNumber(s.last7d.successRate * 100, 1)} % of ${fmtInt(s.last7d.runs)}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HealthCharts({ health }: { health: HealthDetails }) {
  const s = health.series;
  const cpu = useMemo(
    () => [s.at, s.cpuPercent, s.processCpuPercent, s.memoryUsedPercent] as uPlot.AlignedData,
    [health],
  );
  const loop = useMemo(() => [s.at, s.eventLoopP99Ms] as uPlot.AlignedData, [health]);
  if (s.at.length === 0) {
    return (
      <p class="empty">No samples yet: the scheduler takes one every HEALTH_SAMPLE_CRON (every minute by default).</p>
    );
  }
  return (
    <>
      <HealthChart data={cpu} series={CPU_SERIES} height={160} testId="health-cpu-chart" />
      {s.eventLoopP99Ms.some((v) => v !== null) ? (
        <HealthChart data={loop} series={LOOP_SERIES} height={120} testId="health-loop-chart" />
      ) : (
        // The delay is measured between two samples: a server's first sample has none to draw.
        <p class="empty" data-testid="health-loop-empty">
          Event-loop delay: measured from one sample to the next, so it shows from the second sample on.
        </p>
      )}
    </>
  );
}

function DatabaseHealth({ health }: { health: HealthDetails }) {
  const s = health.series;
  const sizes = useMemo(() => [s.at, s.rssMb, s.databaseMb, s.walMb] as uPlot.AlignedData, [health]);
  const v = health.latest?.values ?? {};
  const db = (v.database ?? null) as {
    sizeBytes?: number;
    walBytes?: number;
    rowCounts?: Record<string, number>;
  } | null;
  const slowest = (v.slowestStoreCalls ?? []) as { call: string; count: number; maxMs: number; totalMs: number }[];
  const unavailable = (v.unavailable ?? []) as string[];
  return (
    <>
      <div class="stats" data-testid="health-latest">
        <Stat label="Sampled">{fmtRelative(health.latest?.at)}</Stat>
        <Stat label="Database">{fmtBytes(db?.sizeBytes)}</Stat>
        <Stat label="WAL">{fmtBytes(db?.walBytes)}</Stat>
        <Stat label="Process RSS">{fmtBytes(v.rssBytes as number | undefined)}</Stat>
        <Stat label="Disk free">{fmtBytes(v.diskFreeBytes as number | undefined)}</Stat>
      </div>
      {s.at.length > 0 ? (
        <HealthChart data={sizes} series={MEMORY_SERIES} height={140} testId="health-size-chart" />
      ) : null}
      <table class="data">
        <thead>
          <tr>
            <th>Slowest store calls (this server)</th>
            <th class="num">Calls</th>
            <th class="num">Longest</th>
            <th class="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {slowest.slice(0, 5).map((c) => (
            <tr key={c.call}>
              <td>
                <code>{c.call}</code>
              </td>
              <td class="num">{fmtInt(c.count)}</td>
              <td class="num">{fmtNumber(c.maxMs, 1)} ms</td>
              <td class="num">{fmtNumber(c.totalMs, 0)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
      {db?.rowCounts ? (
        <p class="hint">
          Rows:{' '}
          {Object.entries(db.rowCounts)
            .filter(([, n]) => n > 0)
            .map(([t, n]) => `${t} ${fmtInt(n)}`)
            .join(', ')}
        </p>
      ) : null}
      {unavailable.length > 0 ? <p class="hint">Not readable here: {unavailable.join('; ')}</p> : null}
    </>
  );
}

/** One chart of the health series: the last 24 hours, its cursor synced with the other health charts. */
function HealthChart(props: { data: uPlot.AlignedData; series: SeriesSpec[]; height: number; testId: string }) {
  return <UPlotChart {...props} timeFormat="hour" spanSeconds={DAY_SECONDS} syncKey="health" />;
}
