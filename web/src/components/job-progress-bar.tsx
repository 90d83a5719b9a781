import { actionError, cancelJob, jobsStore } from '../app-state.js';
import { progressFraction } from '../state/job-tracker.js';
import { useStore } from '../store.js';

/** Every job the server runs, live from /api/events, and how the last ones ended. */
export function JobProgressBar() {
  const jobs = useStore(jobsStore);
  const error = useStore(actionError);
  const running = jobs.filter((j) => j.finishedAt === null);
  const last = jobs.filter((j) => j.finishedAt !== null).at(-1);
  if (running.length === 0 && !last && !error) return null;
  // A result longer than the strip is cut with an ellipsis: the whole of it is read on hover.
  const lastText = last ? `${last.status === 'succeeded' ? 'done: ' : ''}${last.result ?? ''}` : '';
  return (
    <div class="job-strip" aria-live="polite" data-testid="job-strip">
      {error ? (
        <div class="job-line failed" role="alert">
          {error}
          <button type="button" class="link" onClick={() => actionError.set(null)}>
            dismiss
          </button>
        </div>
      ) : null}
      {running.map((j) => {
        const f = progressFraction(j.progress);
        return (
          <div class="job-line running" key={j.id} data-testid="job-running">
            <span class="job-kind">{j.kind}</span>
            <div
              class={`progress ${f === null ? 'indeterminate' : ''}`}
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={f === null ? undefined : Math.round(f * 100)}
            >
              <div class="progress-fill" style={{ width: f === null ? '30%' : `${(f * 100).toFixed(1)}%` }} />
            </div>
            <span class="job-message">
              {j.progress ? `${j.progress.stage}: ${j.progress.message}` : j.status}
              {f === null ? '' : ` (${Math.round(f * 100)}%)`}
            </span>
            <button type="button" class="link" onClick={() => void cancelJob(j.id)}>
              cancel
            </button>
          </div>
        );
      })}
      {running.length === 0 && last ? (
        <div class={`job-line ${last.status}`} data-testid="job-result">
          <span class="job-kind">{last.kind}</span>
          <span class="job-message" title={lastText}>
            {lastText}
          </span>
          <button type="button" class="link" onClick={() => jobsStore.set(jobs.filter((j) => j.id !== last.id))}>
            dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
