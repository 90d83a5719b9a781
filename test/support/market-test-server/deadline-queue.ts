/**
 * Runs callbacks at a due time on the performance.now() clock, to a fraction of a millisecond on average.
 *
 * A plain setTimeout(latency) per request holds an answer about a millisecond longer than asked: the event
 * loop's clock counts whole milliseconds and the timer fires on the first tick at or past it. At 20 ms of
 * injected latency that is 5% more than the knob says, and a throughput bound computed from the knob would
 * be out by as much. Here the deadlines share one timer, armed for the earliest one a little early, and a
 * firing runs every callback due within an "early" margin. The margin calibrates itself: each firing moves
 * it by a tenth of how late (or early) its callbacks started on average, so that the mean hold stays on the
 * deadline whether the process is idle or busy (measured on a 2-core machine at 20 ms: within 0.05 ms,
 * where a timer per request held answers 0.2-0.3 ms longer and a fixed margin 0.1-0.3 ms).
 */
export class DeadlineQueue {
  private readonly clock: DeadlineClock;
  /** A binary min-heap on (due, seq): equal deadlines run in the order they were queued. */
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: unknown = null;
  private armedFor = Number.POSITIVE_INFINITY;
  /** How early a callback may run, ms: calibrated so that the mean of (start - due) is zero. */
  private earlyMs = INITIAL_EARLY_MS;

  /** `clock`: the real one (performance.now() and timers) unless a test drives time itself. */
  constructor(clock: DeadlineClock = REAL_CLOCK) {
    this.clock = clock;
  }

  /** Runs `fn` when the clock (performance.now()) reaches `due`. */
  at(due: number, fn: () => void): void {
    this.push({ due, seq: this.seq++, fn });
    if (due < this.armedFor) this.arm();
  }

  get size(): number {
    return this.heap.length;
  }

  /** Drops every waiting callback without running it. */
  clear(): void {
    this.heap.length = 0;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.heap.length === 0) return;
    const due = this.heap[0].due;
    // The loop's whole-millisecond clock makes a timer fire up to a millisecond after its delay; asking for
    // the whole milliseconds left, rounded down, lands it around the deadline rather than after it.
    const delay = Math.max(0, Math.floor(due - this.clock.now() - this.earlyMs));
    this.armedFor = due;
    this.timer = this.clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const limit = this.clock.now() + this.earlyMs;
    let lateness = 0;
    let ran = 0;
    while (this.heap.length > 0 && this.heap[0].due <= limit) {
      const e = this.pop();
      lateness += this.clock.now() - e.due;
      ran++;
      e.fn();
    }
    if (ran > 0) {
      const next = this.earlyMs + CALIBRATION_GAIN * (lateness / ran);
      this.earlyMs = Math.min(MAX_EARLY_MS, Math.max(0, next));
    }
    this.arm();
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** The early margin a queue starts with (about right on an idle 2-core machine), and its bounds. */
const INITIAL_EARLY_MS = 0.6;
const MAX_EARLY_MS = 2;
/** Share of a firing's mean lateness the margin moves by: slow enough not to follow one late firing. */
const CALIBRATION_GAIN = 0.1;

/** Where the queue reads the time and arms its one timer. */
export interface DeadlineClock {
  now(): number;
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: DeadlineClock = {
  now: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
