import type { TimelinePayload } from '../state/api-types.js';
import { fmtTime } from '../state/format.js';

/** Jobs of the last 24 hours as bars on one time axis, one row per job kind (DOM bars, no canvas). */
export function Gantt({ timeline }: { timeline: TimelinePayload }) {
  const from = Date.parse(timeline.from);
  const to = Date.parse(timeline.to);
  const span = Math.max(1, to - from);
  const kinds = [...new Set(timeline.jobs.map((j) => j.kind))].sort();
  if (kinds.length === 0) return <p class="empty">No job ran in the last 24 hours.</p>;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => new Date(from + f * span));
  return (
    <div class="gantt" data-testid="gantt">
      {kinds.map((kind) => (
        <div class="gantt-row" key={kind}>
          <span class="job-kind">{kind}</span>
          <div class="gantt-track">
            {timeline.jobs
              .filter((j) => j.kind === kind && j.start)
              .map((j) => {
                const start = Date.parse(j.start!);
                const end = j.end ? Date.parse(j.end) : to;
                const left = ((start - from) / span) * 100;
                const width = ((end - start) / span) * 100;
                return (
                  <div
                    key={j.id}
                    class={`gantt-bar ${j.status}`}
                    style={{ left: `${Math.max(0, left)}%`, width: `${Math.max(0.2, width)}%` }}
                    title={`${j.id}: ${j.status}, ${fmtTime(j.start)}${j.durationMs === null ? '' : `, ${(j.durationMs / 1000).toFixed(1)} s`}${j.error ? ` — ${j.error}` : ''}`}
                  />
                );
              })}
          </div>
        </div>
      ))}
      <div class="gantt-axis">
        {ticks.map((t) => (
          <span
            key={t.getTime()}
          >{`${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`}</span>
        ))}
      </div>
    </div>
  );
}
