import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The yardstick of the serving path: a bare node:http server sending bytes it holds in memory, with the same
 * status and headers as the real answer. Runs in a child process; the parent sends `{answers}` over IPC and
 * gets `{ready, port}` back.
 */
interface Answer {
  path: string;
  headers: Record<string, string>;
  body: string;
}

process.once('message', (m: { answers: Answer[] }) => {
  const byPath = new Map(m.answers.map((a) => [a.path, { headers: a.headers, body: Buffer.from(a.body, 'base64') }]));
  const server = createServer((req, res) => {
    const answer = byPath.get(req.url ?? '');
    if (!answer) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ ready: true, port: (server.address() as AddressInfo).port });
  });
});
