/** The last closes as a small line (SVG, no canvas per row): green when the period ended up, red when down. */
export function Sparkline({
  values,
  width,
  height,
}: {
  values: readonly (number | null)[];
  width: number;
  height: number;
}) {
  const pts = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (pts.length < 2) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pts) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const step = (width - 2) / (pts.length - 1);
  const d = pts
    .map((v, i) => `${(1 + i * step).toFixed(1)},${(1 + (height - 2) * (1 - (v - lo) / span)).toFixed(1)}`)
    .join(' ');
  const up = pts[pts.length - 1] >= pts[0];
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      <polyline points={d} fill="none" stroke={up ? 'var(--up)' : 'var(--down)'} stroke-width="1.2" />
    </svg>
  );
}
