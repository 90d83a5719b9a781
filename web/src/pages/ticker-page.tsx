import { useMemo } from 'preact/hooks';
import { tickerPaths } from '../api-paths.js';
import { type ChartMarker, TickerChart } from '../charts/ticker-chart.js';
import { ErrorNote, LoadState } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { Stat } from '../components/stat.js';
import { navigate, useLocation } from '../router.js';
import type { Payload, TickerBarsAnswer, TickerSummary } from '../state/api-types.js';
import { fmtCompact, fmtNumber, fmtPercent, signClass } from '../state/format.js';
import { shiftMonths } from '../state/shift-months.js';
import { signalValueText } from '../state/signal-value.js';
import {
  OVERLAYS,
  type Overlay,
  parseTickerView,
  RANGES,
  type TickerView,
  tickerViewQuery,
} from '../state/ticker-view.js';
import { useApi } from '../use-api.js';

const BULLISH = /golden|above|bullish|high|breakout-up|below-30/;

/** One ticker: candles with overlays, RSI and MACD, key statistics, signals, splits and dividends. */
export default function TickerPage({ params }: { params: string[] }) {
  const symbol = params[0].toUpperCase();
  const paths = tickerPaths(symbol);
  const summary = useApi<Payload<TickerSummary>>(paths.summary);
  const bars = useApi<TickerBarsAnswer>(paths.bars);
  const history = useApi<{ data: { date: string; kind: string; value: number }[] }>(paths.signals);
  const { search } = useLocation();
  const view = useMemo(() => parseTickerView(new URLSearchParams(search)), [search]);
  const { overlays, signals } = view;
  const setView = (next: Partial<TickerView>) =>
    navigate(`/ticker/${encodeURIComponent(symbol)}${tickerViewQuery({ ...view, ...next })}`, { replace: true });
  const s = summary.data?.data ?? null;
  const markers = useMemo(() => {
    const out: ChartMarker[] = [];
    if (signals)
      for (const sig of history.data?.data ?? s?.recentSignals ?? [])
        out.push({ date: sig.date, text: sig.kind, tone: BULLISH.test(sig.kind) ? 'up' : 'down' });
    for (const d of bars.data?.data.dividends ?? [])
      out.push({ date: d.date, text: `dividend ${d.amount}`, tone: 'info' });
    for (const sp of bars.data?.data.splits ?? [])
      out.push({ date: sp.date, text: `split ${sp.numerator}:${sp.denominator}`, tone: 'info', split: true });
    return out;
  }, [s, bars.data, history.data, signals]);
  const lastDate = bars.data?.meta.lastDate ?? s?.date ?? null;
  const months = RANGES.find((r) => r.label === view.range)?.months ?? null;
  const from = months === null || !lastDate ? undefined : shiftMonths(lastDate, -months);
  const toggle = (o: Overlay) => {
    const next = new Set(overlays);
    if (next.has(o)) next.delete(o);
    else next.add(o);
    setView({ overlays: next });
  };
  if (summary.error && !summary.data && bars.error) return <ErrorNote error={summary.error} />;

  return (
    <>
      <div class="page-title ticker-head">
        <h1>{symbol}</h1>
        <span>{s?.name ?? ''}</span>
        {s ? (
          <>
            <span class="price">{fmtNumber(s.close)}</span>
            <span class={signClass(s.change1d)}>
              {fmtNumber(s.change1d)} ({fmtPercent(s.returns.d1)})
            </span>
            <span class="dim">
              {s.sector ?? 'no sector'}
              {s.industry ? ` · ${s.industry}` : ''}
            </span>
          </>
        ) : null}
        <span class="as-of">as of {lastDate ?? '—'}</span>
        {bars.data?.meta.sample ? <span class="badge sample">sample data</span> : null}
      </div>
      <div class="grid">
        <Panel
          title="Chart"
          asOf={lastDate}
          class="span-12"
          actions={
            <>
              {RANGES.map((r) => (
                <button
                  type="button"
                  key={r.label}
                  class={view.range === r.label ? 'active' : ''}
                  onClick={() => setView({ range: r.label })}
                >
                  {r.label}
                </button>
              ))}
              <span class="dim"> | </span>
              {OVERLAYS.map((o) => (
                <button type="button" key={o} class={overlays.has(o) ? 'active' : ''} onClick={() => toggle(o)}>
                  {o === 'bb' ? 'Bollinger' : o.toUpperCase().replace(/(\D+)(\d+)/, '$1 $2')}
                </button>
              ))}
              <button
                type="button"
                class={signals ? 'active' : ''}
                aria-pressed={signals}
                data-testid="signals-toggle"
                onClick={() => setView({ signals: !signals })}
              >
                Signals
              </button>
            </>
          }
        >
          <LoadState loaded={bars} minHeight={620}>
            {({ data }) =>
              data.dates.length === 0 ? (
                <p class="empty">No bars stored for {symbol}.</p>
              ) : (
                <TickerChart bars={data} overlays={overlays} markers={markers} from={from} />
              )
            }
          </LoadState>
        </Panel>
        <Panel title="Key statistics" asOf={s?.date} class="span-8">
          <LoadState loaded={summary}>{({ data }) => <KeyStats s={data} />}</LoadState>
        </Panel>
        <Panel title="Data" class="span-4">
          <LoadState loaded={bars}>
            {({ data, meta }) => (
              <div class="stats">
                <Stat label="Bars">{data.dates.length.toLocaleString('en-US')}</Stat>
                <Stat label="First / last bar">
                  <span class="small">
                    <span class="nowrap">{data.dates[0] ?? '—'}</span> ..{' '}
                    <span class="nowrap">{meta.lastDate ?? '—'}</span>
                  </span>
                </Stat>
                <Stat label="Flags">{s?.flags.length ? s.flags.join(', ') : 'none'}</Stat>
                <Stat label="Source">{meta.sample ? 'bundled sample' : 'fetched / imported'}</Stat>
              </div>
            )}
          </LoadState>
        </Panel>
        <Panel title="Recent signals" asOf={s?.date} class="span-4">
          {s && s.recentSignals.length > 0 ? (
            <table class="data" data-testid="ticker-signals">
              <tbody>
                {s.recentSignals.map((x) => (
                  <tr key={`${x.date}-${x.kind}`}>
                    <td>{x.date}</td>
                    <td class={BULLISH.test(x.kind) ? 'up' : 'down'}>{x.kind}</td>
                    <td class="num nowrap">{signalValueText(x.kind, x.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">No recent signals.</p>
          )}
        </Panel>
        <Panel title="Dividends" class="span-4">
          {bars.data && bars.data.data.dividends.length > 0 ? (
            <table class="data">
              <tbody>
                {[...bars.data.data.dividends]
                  .reverse()
                  .slice(0, 12)
                  .map((d) => (
                    <tr key={d.date}>
                      <td>{d.date}</td>
                      <td class="num">{fmtNumber(d.amount, 4)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">No dividends in the stored history.</p>
          )}
        </Panel>
        <Panel title="Splits" class="span-4">
          {bars.data && bars.data.data.splits.length > 0 ? (
            <table class="data">
              <tbody>
                {[...bars.data.data.splits].reverse().map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td class="num">
                      {d.numerator}:{d.denominator}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="empty">No splits in the stored history.</p>
          )}
        </Panel>
      </div>
    </>
  );
}

function KeyStats({ s }: { s: TickerSummary }) {
  const r = s.returns;
  return (
    <div class="stats" data-testid="key-stats">
      <Stat label="Market cap">{s.marketCap === null ? 'unknown' : fmtCompact(s.marketCap)}</Stat>
      <Stat label="1W" tone={signClass(r.w1)}>
        {fmtPercent(r.w1)}
      </Stat>
      <Stat label="1M" tone={signClass(r.m1)}>
        {fmtPercent(r.m1)}
      </Stat>
      <Stat label="3M" tone={signClass(r.m3)}>
        {fmtPercent(r.m3)}
      </Stat>
      <Stat label="YTD" tone={signClass(r.ytd)}>
        {fmtPercent(r.ytd)}
      </Stat>
      <Stat label="1Y" tone={signClass(r.y1)}>
        {fmtPercent(r.y1)}
      </Stat>
      <Stat label="SMA 50">{fmtNumber(s.trend.sma50)}</Stat>
      <Stat label="SMA 200">{fmtNumber(s.trend.sma200)}</Stat>
      <Stat label="RSI 14">{fmtNumber(s.trend.rsi14, 1)}</Stat>
      <Stat label="MACD stage">{s.trend.macdStage}</Stat>
      <Stat label="52w high / low">
        {fmtNumber(s.range52w.high)} / {fmtNumber(s.range52w.low)}
      </Stat>
      <Stat label="From 52w high" tone={signClass(s.range52w.distHigh)}>
        {fmtPercent(s.range52w.distHigh)}
      </Stat>
      <Stat label="Volume ratio">{fmtNumber(s.volumeRatio)}</Stat>
      <Stat label="3M return vs benchmark" tone={signClass(s.relStrength)}>
        {s.relStrength === null ? '—' : `${s.relStrength > 0 ? '+' : ''}${fmtNumber(s.relStrength)} pts`}
      </Stat>
    </div>
  );
}
