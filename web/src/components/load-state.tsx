import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api.js';
import type { Loaded } from '../use-api.js';
import { FirstRun } from './first-run.js';

/**
 * Renders `children(data)` once an answer is there; before that a skeleton, on 503 MD_ERR_NOT_READY the
 * first-run view, on any other error the server's own message.
 */
export function LoadState<T>(props: {
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
  minHeight?: number;
}) {
  const { data, error } = props.loaded;
  if (data !== null) return <>{props.children(data)}</>;
  if (error) return <ErrorNote error={error} />;
  return <div class="skeleton" style={{ minHeight: `${props.minHeight ?? 120}px` }} aria-busy="true" />;
}

export function ErrorNote({ error }: { error: ApiError }) {
  if (error.notReady) return <FirstRun />;
  return (
    <div class="error-note" role="alert">
      <strong>{error.code}</strong> {error.message}
    </div>
  );
}
