import { existsSync } from 'node:fs';
import { join } from 'node:path';
/** One figure a benchmark measured, with the target it is held to when there is one. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 3 s" or ">= 20x"; empty when the figure is informational. */
  target?: string;
  /** true/false when there is a target, null otherwise. */
  pass?: boolean | null;
  note?: string;
}

export interface BenchResult {
  section: string;
  startedAt: string;
  machine: { cpus: number; memoryGb: number; node: string; platform: string };
  figures: BenchFigure[];
  /** Extra structured detail (per-run samples, sizes) kept in the JSON only. */
  details?: Record<string, unknown>;
}

/** A named benchmark section: `npm run bench -- <name>` runs it and writes bench/results/<name>.json. */
export interface BenchSection {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<{ figures: BenchFigure[]; details?: Record<string, unknown> }>;
}

export interface BenchContext {
  /** A scratch folder removed after the section. */
  tmpDir: string;
  /** ../shared/data when present (benchmarks may read the larger real files), else null. */
  sharedDataDir: string | null;
  log(message: string): void;
}

/** The real 619k-row 2013-2018 file of ../shared/data, or null when it is not beside the checkout. */
export function sharedPricesFile(ctx: BenchContext): string | null {
  const file = ctx.sharedDataDir ? join(ctx.sharedDataDir, 'prices', 'all_stocks_5yr.csv.gz') : null;
  return file && existsSync(file) ? file : null;
}

/** Median of samples (they are copied, not reordered in place). */
export function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The run whose value is the median (of an odd number of runs; the upper middle one otherwise). */
export function medianBy<T>(runs: readonly T[], value: (r: T) => number): T {
  return [...runs].sort((a, b) => value(a) - value(b))[Math.floor(runs.length / 2)];
}

/** p-th percentile (0-100) by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export function atMost(name: string, value: number, unit: string, limit: number, note?: string): BenchFigure {
  return { name, value, unit, target: `<= ${limit} ${unit}`, pass: value <= limit, note };
}

export function atLeast(name: string, value: number, unit: string, limit: number, note?: string): BenchFigure {
  return { name, value, unit, target: `>= ${limit} ${unit}`, pass: value >= limit, note };
}

export function info(name: string, value: number, unit: string, note?: string): BenchFigure {
  return { name, value, unit, pass: null, note };
}
