import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.js';
import { refreshTick } from './app-state.js';
import { useStore } from './store.js';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

interface Held<T> extends Loaded<T> {
  path: string | null;
}

/**
 * One API answer for a component, read again on every auto-refresh; the last answer stays on screen while
 * the next one loads, so a refresh never blanks a chart. A null path reads nothing.
 */
export function useApi<T>(path: string | null): Loaded<T> {
  const tick = useStore(refreshTick);
  const [state, setState] = useState<Held<T>>({ path, data: null, error: null, loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path, ctl.signal).then(
      (data) => setState({ path, data, error: null, loading: false }),
      (error) => {
        if (ctl.signal.aborted) return;
        const e = error instanceof ApiError ? error : new ApiError(0, 'MD_ERR_NETWORK', String(error));
        setState((s) => ({ path, data: s.path === path ? s.data : null, error: e, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [path, tick]);
  // Another path's answer is never shown as this one's (a ticker page moving to the next symbol).
  if (state.path !== path) return { data: null, error: null, loading: path !== null };
  return state;
}
