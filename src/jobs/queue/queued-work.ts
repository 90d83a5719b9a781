import type { JobProgress } from '../../domain/job-run.js';
import type { JobKind } from '../job-kinds.js';

/** The BullMQ queue every marketdeck job goes through (its keys start with the QUEUE_PREFIX setting). */
export const QUEUE_NAME = 'jobs';

/**
 * One unit of queued work. A fetch or update run is a flow (BullMQ parent and children): its tickers in
 * chunks, which any worker takes; `collect` after all of them (the fetch's metrics); for an update, then
 * `analyze` and `precompute` as steps. Other kinds (a backfill among them) are one step. `final` marks the job
 * that finishes the run: it writes the run's status and metrics.
 */
export type QueuedWork =
  | {
      type: 'chunk';
      runId: string;
      kind: JobKind;
      params: Record<string, unknown>;
      symbols: string[];
      index: number;
    }
  | {
      type: 'collect';
      runId: string;
      kind: JobKind;
      params: Record<string, unknown>;
      final: boolean;
      /** The join key the run holds (released by its final part). */
      join?: string;
    }
  | {
      type: 'step';
      runId: string;
      kind: JobKind;
      step: 'analyze' | 'precompute' | 'report' | 'fetch' | 'backfill';
      params: Record<string, unknown>;
      final: boolean;
      join?: string;
    };

/** Redis keys of one run, beside the queue's. */
export function runKeys(prefix: string, runId: string) {
  return {
    /** Hash of the run's counters across chunks: done, total, fetched, failed, skipped; and whether it started. */
    counters: `${prefix}:run:${runId}`,
    cancel: `${prefix}:run:${runId}:cancel`,
  };
}

/** The store the workers running on a prefix use (see claimQueueStore). */
export function storeClaimKey(prefix: string): string {
  return `${prefix}:store`;
}

/** The key that makes a second equal request join the run already queued or running. */
export function joinKey(prefix: string, kind: string, paramsKey: string): string {
  return `${prefix}:join:${kind}:${paramsKey}`;
}

/** A BullMQ job id: unique per run and part, so queueing the same part twice adds it once. */
export function workJobId(runId: string, part: string): string {
  return `${runId}.${part}`;
}

/** What a worker sends as its BullMQ job's progress: the whole run's progress, for every process's listeners. */
export interface RunProgressEvent {
  runId: string;
  kind: JobKind;
  progress: JobProgress;
}

/**
 * The BullMQ queue of analysis chunks: the chunks of one analyze step, planned by the worker running that
 * step and run by every worker's chunk runner. A queue of its own, so a worker whose every slot of the main
 * queue waits on a step still runs the chunks that step waits for.
 */
export const ANALYSIS_QUEUE_NAME = 'analysis';

/** One analysis chunk: its input and output travel as binary values under Redis keys, not as job data. */
export interface AnalysisChunkWork {
  runId: string;
  /** The pass this chunk belongs to (a step retried after its worker died plans a new pass). */
  pass: string;
  index: number;
  tickers: number;
  input: string;
  output: string;
}

/** What a chunk's job returns: where its output is and which worker ran it. */
export interface AnalysisChunkDone {
  output: string;
  worker: string;
  /** The run was cancelled before the chunk started: it ran nothing. */
  skipped?: boolean;
}

/** Redis keys of one analysis chunk's input and output (outside the BullMQ queue's own keys). */
export function analysisChunkKeys(prefix: string, pass: string, index: number) {
  return { input: `${prefix}:chunk:${pass}:${index}:in`, output: `${prefix}:chunk:${pass}:${index}:out` };
}
