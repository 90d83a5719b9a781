import type { IncomingMessage, ServerResponse } from 'node:http';

/** What an access log line is written to: a pino logger, or anything with its `info` and `warn`. */
export interface AccessLogSink {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * One line per request once it is over: method, path (the query string left out, it may name a universe
 * file or carry a token), status, bytes sent and duration. A client that went away before the answer was
 * complete is one `aborted` line, never a stack trace; a 5xx is a warning.
 */
export function accessLog(sink: AccessLogSink): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    // Answers pass their headers to writeHead at once, so Content-Length is not readable back: the bytes are
    // what the connection wrote while this request was answered (its headers and body).
    const socket = res.socket;
    const writtenBefore = socket?.bytesWritten ?? 0;
    res.once('close', () => {
      const fields = {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        bytes: socket ? socket.bytesWritten - writtenBefore : null,
        aborted: !res.writableFinished,
      };
      if (fields.aborted) sink.info(fields, 'request aborted by the client');
      else if (res.statusCode >= 500) sink.warn(fields, 'request failed');
      else sink.info(fields, 'request');
    });
  };
}
