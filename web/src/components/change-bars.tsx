import { fmtPercent } from '../state/format.js';

/** Horizontal bars of signed changes around a centre line (sector performance), longest bar = largest move. */
export function ChangeBars({
  rows,
  onPick,
}: {
  rows: { name: string; value: number | null }[];
  onPick?: (name: string) => void;
}) {
  const max = Math.max(0.01, ...rows.map((r) => Math.abs(r.value ?? 0)));
  return (
    <div class="bars-h" data-testid="change-bars">
      {rows.map((r) => {
        const v = r.value ?? 0;
        const w = (Math.abs(v) / max) * 50;
        return (
          <div class="bar-row" key={r.name}>
            {onPick ? (
              <button type="button" class="link truncate" onClick={() => onPick(r.name)} title={r.name}>
                {r.name}
              </button>
            ) : (
              <span class="truncate" title={r.name}>
                {r.name}
              </span>
            )}
            <div class="bar-track">
              <div
                class="bar-fill"
                style={{
                  left: v >= 0 ? '50%' : `${50 - w}%`,
                  width: `${w}%`,
                  background: v >= 0 ? 'var(--up)' : 'var(--down)',
                }}
              />
            </div>
            <span class={`num ${v > 0 ? 'up' : v < 0 ? 'down' : ''}`}>{fmtPercent(r.value)}</span>
          </div>
        );
      })}
    </div>
  );
}
