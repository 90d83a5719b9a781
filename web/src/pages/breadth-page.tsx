import { BREADTH_INDEX_PATH } from '../api-paths.js';
import { BreadthCharts, CORE_BREADTH, MORE_BREADTH } from '../charts/breadth-charts.js';
import { LiveInput } from '../components/live-input.js';
import { LoadState } from '../components/load-state.js';
import { Panel } from '../components/panel.js';
import { navigate, useLocation } from '../router.js';
import type { BreadthIndexPayload, BreadthSeriesPayload, Payload } from '../state/api-types.js';
import { shiftMonths } from '../state/shift-months.js';
import { useApi } from '../use-api.js';

const ALL_SPECS = [...CORE_BREADTH, ...MORE_BREADTH];
const PRESETS: { label: string; months: number | null }[] = [
  { label: '3M', months: 3 },
  { label: '1Y', months: 12 },
  { label: '3Y', months: 36 },
  { label: 'All', months: null },
];

/** Every breadth series of any cached universe and scope (whole universe or one sector), over a date range. */
export default function BreadthPage() {
  const index = useApi<Payload<BreadthIndexPayload>>(BREADTH_INDEX_PATH);
  return <LoadState loaded={index}>{({ data }) => <Breadth index={data} />}</LoadState>;
}

function Breadth({ index }: { index: BreadthIndexPayload }) {
  const { search } = useLocation();
  const q = new URLSearchParams(search);
  const universe = index.universes.find((u) => u.name === q.get('universe')) ?? index.universes[0];
  const scope = universe?.scopes.find((s) => s.scope === q.get('scope')) ?? universe?.scopes[0];
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(`/breadth?${next}`, { replace: true });
  };
  const path =
    universe && scope ? `/api/breadth/${encodeURIComponent(universe.name)}/${encodeURIComponent(scope.scope)}` : null;
  const series = useApi<Payload<BreadthSeriesPayload>>(path);
  if (!universe || !scope) return <p class="empty">No breadth series cached yet: run an analysis and a precompute.</p>;
  const last = series.data?.data.dates.at(-1) ?? '';
  const first = series.data?.data.dates[0] ?? '';

  return (
    <>
      <div class="page-title">
        <h1>Market breadth</h1>
        <span class="as-of">as of {last || '—'}</span>
      </div>
      <div class="toolbar">
        <label>
          Universe
          <select
            value={universe.name}
            onChange={(e) => set({ universe: e.currentTarget.value, scope: '' })}
            data-testid="breadth-universe"
          >
            {index.universes.map((u) => (
              <option key={u.name} value={u.name}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Scope
          <select
            value={scope.scope}
            onChange={(e) => set({ scope: e.currentTarget.value })}
            data-testid="breadth-scope"
          >
            {universe.scopes.map((s) => (
              <option key={s.scope} value={s.scope}>
                {s.scope === 'all' ? 'whole universe' : s.scope.replace(/^sector:/, 'sector: ')}
              </option>
            ))}
          </select>
        </label>
        <IsoDate label="From" value={from} first={first} last={last} onCommit={(v) => set({ from: v })} />
        <IsoDate label="To" value={to} first={first} last={last} onCommit={(v) => set({ to: v })} />
        {PRESETS.map((p) => (
          <button
            type="button"
            key={p.label}
            onClick={() => set({ from: p.months === null || !last ? '' : shiftMonths(last, -p.months), to: '' })}
          >
            {p.label}
          </button>
        ))}
      </div>
      <Panel title={`${universe.name} · ${scope.scope === 'all' ? 'whole universe' : scope.scope}`} asOf={last}>
        <LoadState loaded={series} minHeight={600}>
          {({ data }) => (
            <BreadthCharts
              class="breadth-grid"
              payload={data}
              specs={ALL_SPECS}
              from={from || undefined}
              to={to || undefined}
              height={150}
              syncKey="breadth"
            />
          )}
        </LoadState>
      </Panel>
    </>
  );
}

/** A day typed as YYYY-MM-DD, the way every other date on the dashboard reads; applied once it is whole or empty. */
function IsoDate(props: { label: string; value: string; first: string; last: string; onCommit: (v: string) => void }) {
  return (
    <label>
      {props.label}
      <LiveInput
        class="date"
        placeholder="YYYY-MM-DD"
        pattern="\d{4}-\d{2}-\d{2}"
        title={props.first && props.last ? `${props.first} .. ${props.last}` : 'YYYY-MM-DD'}
        value={props.value}
        onCommit={(text) => {
          const v = text.trim();
          if (v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)))) props.onCommit(v);
        }}
        aria-label={`${props.label} (YYYY-MM-DD)`}
        data-testid={`breadth-${props.label.toLowerCase()}`}
      />
    </label>
  );
}
