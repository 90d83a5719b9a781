import type { MinimalQueue } from 'bullmq';
import { QUEUE_NAME } from './queued-work.js';

/**
 * What to record for a run whose part failed. A parent that failed because its child did says only
 * "child <key> failed" (BullMQ's note), and whichever worker records first wins, so the cause is looked up
 * in the child, and in its child, as far down the flow as the note points: a user reads "chunk: Yahoo is
 * unreachable", not a job key.
 */
export async function failureCause(
  queue: MinimalQueue,
  prefix: string,
  part: string,
  message: string,
): Promise<string> {
  const { Job } = await import('bullmq');
  let name = part;
  let reason = message;
  const head = `${prefix}:${QUEUE_NAME}:`;
  for (let depth = 0; depth < 4; depth++) {
    const key = /^child (\S+) failed$/.exec(reason)?.[1];
    if (!key?.startsWith(head)) break;
    const child = await Job.fromId(queue, key.slice(head.length)).catch(() => undefined);
    if (!child?.failedReason) break;
    name = child.name;
    reason = child.failedReason;
  }
  return `${name}: ${reason}`;
}
