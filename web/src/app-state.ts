import { ApiError, getJson, postJson } from './api.js';
import type { JobEvent, JobRun, StatusAnswer } from './state/api-types.js';
import { applyJobEvent, type TrackedJob } from './state/job-tracker.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings, refreshSeconds, updateBody } from './state/run-settings.js';
import { createStore } from './store.js';

export type Theme = 'dark' | 'light';

function saved<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? ({ ...fallback, ...JSON.parse(raw) } as T) : fallback;
  } catch {
    return fallback;
  }
}

export const themeStore = createStore<Theme>(localStorage.getItem('md-theme') === 'light' ? 'light' : 'dark');
themeStore.subscribe((t) => {
  document.documentElement.dataset.theme = t;
  localStorage.setItem('md-theme', t);
});
document.documentElement.dataset.theme = themeStore.get();

/** Bumped when the shown payloads should be read again (the auto-refresh period, a finished job). */
export const refreshTick = createStore(0);
export const statusStore = createStore<StatusAnswer | null>(null);
export const jobsStore = createStore<TrackedJob[]>([]);
/** A message about the last action that failed before a job started (a refused request). */
export const actionError = createStore<string | null>(null);
export const runSettingsStore = createStore<RunSettings>(saved('md-run-settings', DEFAULT_RUN_SETTINGS));
runSettingsStore.subscribe((s) => localStorage.setItem('md-run-settings', JSON.stringify(s)));

/** Settles once the first /api/status answer (or its failure) is in. */
export let firstStatus: Promise<void> = Promise.resolve();

export function startStatus(): void {
  firstStatus = loadStatus();
}

export async function loadStatus(): Promise<void> {
  try {
    statusStore.set(await getJson<StatusAnswer>('/api/status'));
  } catch {
    // The indicator keeps its last figures; the pages say what is wrong.
  }
}

let timer: ReturnType<typeof setInterval> | undefined;
let period = 0;

/** Reads the shown payloads again every DASHBOARD_REFRESH_INTERVAL, without a reload. */
function scheduleRefresh(): void {
  const next = refreshSeconds(statusStore.get());
  if (next === period) return;
  period = next;
  clearInterval(timer);
  timer = setInterval(() => {
    if (document.visibilityState === 'hidden') return;
    void loadStatus();
    refreshTick.set(refreshTick.get() + 1);
  }, period * 1000);
}
statusStore.subscribe(scheduleRefresh);

function onJobEvent(event: JobEvent): void {
  jobsStore.set(applyJobEvent(jobsStore.get(), event));
  if (event.type === 'finished') {
    void loadStatus();
    refreshTick.set(refreshTick.get() + 1);
  }
}

/** Subscribes to /api/events; the browser reconnects by itself after a dropped stream. */
export function startEvents(): void {
  const source = new EventSource('/api/events');
  for (const type of ['queued', 'started', 'progress', 'finished']) {
    source.addEventListener(type, (e) => {
      try {
        onJobEvent(JSON.parse((e as MessageEvent<string>).data) as JobEvent);
      } catch {
        // A malformed event is skipped; the next one carries the whole state again.
      }
    });
  }
}

/** Shows a queued job at once, before its first event arrives. */
function track(id: string, kind: string, run?: JobRun | null): void {
  if (jobsStore.get().some((j) => j.id === id)) return;
  jobsStore.set([
    ...jobsStore.get(),
    { id, kind, status: run?.status ?? 'queued', progress: run?.progress ?? null, result: null, finishedAt: null },
  ]);
}

async function act(run: () => Promise<void>): Promise<void> {
  actionError.set(null);
  try {
    await run();
  } catch (error) {
    actionError.set(error instanceof ApiError ? `${error.code}: ${error.message}` : String(error));
  }
}

/** Update data (or add more stocks): POST /api/update, falling back to a queued update job on older servers. */
export function startUpdate(extra: { expand?: boolean; maxStocks?: number; universe?: string } = {}): Promise<void> {
  return act(async () => {
    const settings = { ...runSettingsStore.get(), ...(extra.universe ? { universe: extra.universe } : {}) };
    const body = updateBody(settings, extra);
    try {
      const answer = await postJson<{ jobId?: string; id?: string; run?: JobRun }>('/api/update', body);
      track(answer.jobId ?? answer.id ?? '', 'update', answer.run);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      const { force, ...params } = body;
      const answer = await postJson<{ id: string; run: JobRun }>('/api/jobs', {
        kind: 'update',
        params: { ...params, ...(force ? { forceRefresh: true } : {}) },
      });
      track(answer.id, 'update', answer.run);
    }
  });
}

/** Full refresh: the server answers once the cache is rebuilt; progress arrives meanwhile as events. */
export function startFullRefresh(): Promise<void> {
  return act(async () => {
    const pending = postJson<{ id: string; summary: Record<string, unknown> | null }>('/api/refresh', {});
    const answer = await pending;
    const summary = answer.summary?.summary;
    const finished = jobsStore.get().find((j) => j.id === answer.id);
    if (!finished) {
      jobsStore.set([
        ...jobsStore.get(),
        {
          id: answer.id,
          kind: 'precompute',
          status: 'succeeded',
          progress: null,
          result: typeof summary === 'string' ? summary : 'full refresh done',
          finishedAt: new Date().toISOString(),
        },
      ]);
    }
    void loadStatus();
    refreshTick.set(refreshTick.get() + 1);
  });
}

/** Asks the server to stop a queued or running job; its finished event then says it was cancelled. */
export function cancelJob(id: string): Promise<void> {
  return act(async () => {
    await postJson(`/api/jobs/${encodeURIComponent(id)}/cancel`, {});
  });
}
