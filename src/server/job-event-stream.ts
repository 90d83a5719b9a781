import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobEvent, JobQueue } from '../jobs/job-queue.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/**
 * GET /api/events: every job event of the queue (queued, started, progress, finished) as Server-Sent
 * Events, `event: <type>` with the event as JSON data. Returns the function that ends the stream.
 */
export function openJobEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  queue: JobQueue,
  heartbeatMs = HEARTBEAT_MS,
): () => void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  // The first bytes tell the client that it is subscribed: no event after this line is missed.
  res.write(': connected\n\n');
  const unsubscribe = queue.subscribe((event: JobEvent) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.on('close', end);
  res.on('close', end);
  return end;
}
