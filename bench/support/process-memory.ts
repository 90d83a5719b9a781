import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Resident memory of a process as Linux counts it, in MB: now (VmRSS) and the peak since the last reset
 * (VmHWM). Resetting the peak (clear_refs 5) lets one request's growth be read apart from start-up's.
 */
export function processMemory(pid: number | 'self' = 'self'): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export function resetPeakMemory(pid: number | 'self' = 'self'): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
