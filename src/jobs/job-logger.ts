/**
 * The structured logger a job queue writes through (pino's Logger fits): a child per job carries the job's id
 * and kind on each of its lines.
 */
export interface JobLogger {
  child(bindings: Record<string, unknown>): JobLogger;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
