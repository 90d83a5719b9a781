import type { Store } from './store.js';

/** How long one kind of store call took in this process: a repository method, e.g. `bars.writeTickers`. */
export interface StoreCallTiming {
  call: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * The slowest store calls of this process, by name. Timed at the Store port rather than per SQL statement:
 * any adapter gets the same figures, and a call is what a page or a job waited for.
 */
export class StoreCallTimings {
  private readonly byCall = new Map<string, StoreCallTiming>();

  record(call: string, ms: number): void {
    let t = this.byCall.get(call);
    if (!t) this.byCall.set(call, (t = { call, count: 0, totalMs: 0, maxMs: 0 }));
    t.count++;
    t.totalMs += ms;
    if (ms > t.maxMs) t.maxMs = ms;
  }

  /** The `limit` calls with the longest single run, longest first. */
  slowest(limit = 10): StoreCallTiming[] {
    return [...this.byCall.values()]
      .sort((a, b) => b.maxMs - a.maxMs)
      .slice(0, limit)
      .map((t) => ({ ...t, totalMs: round(t.totalMs), maxMs: round(t.maxMs) }));
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

const timingsOf = new WeakMap<object, StoreCallTimings>();

/** The timings of a store wrapped by timeStoreCalls, or null for one that is not. */
export function storeCallTimings(store: Store): StoreCallTimings | null {
  return timingsOf.get(store) ?? null;
}

/**
 * The store with every repository method that answers a promise timed (async iterators, such as a whole-market
 * read, pass through untimed). One clock read on each side of a call: far below the cost of any store call.
 */
export function timeStoreCalls<S extends Store>(store: S): S {
  const timings = new StoreCallTimings();
  const repos = new Map<PropertyKey, unknown>();
  const wrapRepo = (name: string, repo: object): object =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        const call = `${name}.${key}`;
        return (...args: unknown[]) => {
          const t0 = performance.now();
          const out = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (out instanceof Promise) {
            return out.finally(() => timings.record(call, performance.now() - t0));
          }
          return out;
        };
      },
    });
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (value === null || typeof value !== 'object' || typeof key !== 'string' || !isRepo(value)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      let wrapped = repos.get(key);
      if (wrapped === undefined) repos.set(key, (wrapped = wrapRepo(key, value)));
      return wrapped;
    },
  });
  timingsOf.set(proxy, timings);
  return proxy;
}

/** A repository of the Store (tickers, bars, jobRuns ...), not a connection or a checkpointer. */
function isRepo(value: object): boolean {
  const name = value.constructor?.name ?? '';
  return /Repo$/.test(name);
}
