/** The one way the dashboard talks to the server: JSON over same-origin HTTP, errors as ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The API answers 503 MD_ERR_NOT_READY until the first precompute: the first-run view, not an error. */
  get notReady(): boolean {
    return this.code === 'MD_ERR_NOT_READY';
  }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A non-JSON answer (a proxy's error page) keeps its status as the message.
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return body as T;
}

async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return answer<T>(await fetch(path, { signal, headers: { accept: 'application/json' } }));
}

/** Answers asked for before their page's code had loaded, each handed out once. */
const early = new Map<string, { at: number; answer: Promise<unknown> }>();
const EARLY_FOR_MS = 10_000;
/** When a page last asked for each path itself: a late early request for it would only repeat it. */
const asked = new Map<string, number>();

/** Starts reading a path the next page will ask for; its getJson then takes this answer. */
export function prefetchJson(path: string): void {
  if (early.has(path) || Date.now() - (asked.get(path) ?? -Infinity) < EARLY_FOR_MS) return;
  const answer = fetchJson(path);
  answer.catch(() => {});
  early.set(path, { at: Date.now(), answer });
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  asked.set(path, Date.now());
  const ahead = early.get(path);
  early.delete(path);
  if (ahead && Date.now() - ahead.at < EARLY_FOR_MS) return ahead.answer as Promise<T>;
  return fetchJson<T>(path, signal);
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}
