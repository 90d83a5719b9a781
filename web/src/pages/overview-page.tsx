import { useMemo } from 'preact/hooks';
import { OVERVIEW_PATHS } from '../api-paths.js';
import { BreadthCharts, CORE_BREADTH } from '../charts/breadth-charts.js';
import { ChangeBars } from '../components/change-bars.js';
import { LoadState } from '../components/load-state.js';
import { MoverTable } from '../components/mover-table.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { navigate } from '../router.js';
import type { BreadthSeriesPayload, HeatmapPayload, OverviewPayload, Payload } from '../state/api-types.js';
import { fmtInt, fmtNumber, fmtTime, signClass } from '../state/format.js';
import { shiftMonths } from '../state/shift-months.js';
import { useApi } from '../use-api.js';

/** Whole-market summary for the latest date: breadth, movers, the week's signals, sectors. */
export default function OverviewPage() {
  const [overviewPath, breadthPath, heatmapPath] = OVERVIEW_PATHS;
  const overview = useApi<Payload<OverviewPayload>>(overviewPath);
  const breadth = useApi<Payload<BreadthSeriesPayload>>(breadthPath);
  const heatmap = useApi<Payload<HeatmapPayload>>(heatmapPath);
  return (
    <LoadState loaded={overview} minHeight={500}>
      {({ data: o }) => {
        const v = o.breadth?.values ?? {};
        return (
          <>
            <div class="page-title">
              <h1>Market overview</h1>
              <span class="as-of">as of {o.asOf ?? '—'}</span>
              {o.dataSet?.notice ? <span class="dim">{o.dataSet.notice}</span> : null}
            </div>
            <div class="grid">
              <Panel title="Market summary" asOf={o.breadth?.date ?? o.asOf} class="span-12">
                <div class="stats" data-testid="market-summary">
                  <Stat label="Tickers">{fmtInt(o.dataSet?.tickers ?? o.freshness.tickers)}</Stat>
                  <Stat label="Advancers / decliners">
                    <span class="up">{fmtInt(v.advancers)}</span> / <span class="down">{fmtInt(v.decliners)}</span>
                  </Stat>
                  <Stat label="% above SMA 50">{fmtNumber(v.pctAboveSma50, 1)}%</Stat>
                  <Stat label="% above SMA 200">{fmtNumber(v.pctAboveSma200, 1)}%</Stat>
                  <Stat label="New highs / lows">
                    {fmtInt(v.newHighs)} / {fmtInt(v.newLows)}
                  </Stat>
                  <Stat label="McClellan osc" tone={signClass(v.mcClellanOscillator)}>
                    {fmtNumber(v.mcClellanOscillator, 1)}
                  </Stat>
                  <Stat label="TRIN">{fmtNumber(v.trin, 2)}</Stat>
                  <Stat label="Data freshness">
                    <span title={`last fetch ${fmtTime(o.freshness.lastFetchAt)}`}>
                      {o.freshness.behindLatest === 0 ? 'all current' : `${fmtInt(o.freshness.behindLatest)} behind`}
                    </span>
                  </Stat>
                </div>
              </Panel>
              <Panel title="Breadth" asOf={o.asOf} class="span-8">
                <LoadState loaded={breadth} minHeight={560}>
                  {({ data }) => (
                    <BreadthCharts
                      payload={data}
                      specs={CORE_BREADTH}
                      from={o.asOf ? shiftMonths(o.asOf, -12) : undefined}
                      syncKey="overview"
                    />
                  )}
                </LoadState>
              </Panel>
              <Panel title="Sector performance, 1 day" asOf={o.asOf} class="span-4">
                <LoadState loaded={heatmap}>{({ data }) => <SectorBars heatmap={data} />}</LoadState>
                <h3 class="chart-title">Signals this week</h3>
                <SignalTable week={o.signals.week} latest={o.signals.latest} />
              </Panel>
              <Panel title="Top gainers" asOf={o.asOf} class="span-4">
                <MoverTable rows={o.topGainers} />
              </Panel>
              <Panel title="Top losers" asOf={o.asOf} class="span-4">
                <MoverTable rows={o.topLosers} />
              </Panel>
              <Panel title="Most active" asOf={o.asOf} class="span-4">
                <MoverTable rows={o.mostActive} />
              </Panel>
            </div>
          </>
        );
      }}
    </LoadState>
  );
}

function SectorBars({ heatmap }: { heatmap: HeatmapPayload }) {
  const rows = useMemo(
    () =>
      heatmap.sectors
        .map((s) => ({ name: s.name, value: s.change.d1 }))
        .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity)),
    [heatmap],
  );
  return <ChangeBars rows={rows} onPick={(name) => navigate(`/screener?sector=${encodeURIComponent(name)}`)} />;
}

function SignalTable({ week, latest }: { week: Record<string, number>; latest: Record<string, number> }) {
  const kinds = Object.keys(week).sort((a, b) => week[b] - week[a]);
  if (kinds.length === 0) return <p class="empty">No signals this week.</p>;
  return (
    <table class="data" data-testid="signals-week">
      <thead>
        <tr>
          <th>Signal</th>
          <th class="num">Latest day</th>
          <th class="num">Week</th>
        </tr>
      </thead>
      <tbody>
        {kinds.map((k) => (
          <tr key={k}>
            <td>
              <button type="button" class="link" onClick={() => navigate(`/screener?signal=${encodeURIComponent(k)}`)}>
                {k}
              </button>
            </td>
            <td class="num">{fmtInt(latest[k] ?? 0)}</td>
            <td class="num">{fmtInt(week[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
