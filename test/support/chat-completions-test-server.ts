import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one request: a verdict, or one of the ways a real endpoint fails. */
export type ChatBehaviour =
  | { kind: 'ok'; verdict?: string; reasons?: string[] }
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'malformed' }
  /** Never answers (until close): the client's timeout must end it. */
  | { kind: 'hang' };

export interface ChatTestServerOptions {
  /** Held before every answer, in ms (default 0). */
  latencyMs?: number;
  /** Chooses the answer from the ticker in the prompt and how many times it was asked before. */
  behave?: (symbol: string, attempt: number) => ChatBehaviour;
}

export interface ChatTestServer {
  /** Base URL for LLM_BASE_URL (requests go to <url>/chat/completions). */
  readonly url: string;
  /** Requests in flight now, and the most ever at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** Most requests in flight at once since the last resetMax(). */
  resetMax(): void;
  requests(): number;
  /** Authorization headers seen, for checking the key is sent and nowhere else. */
  authorizations(): string[];
  setOptions(options: ChatTestServerOptions): void;
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible chat-completions endpoint for the llm analyst's tests and the reports bench:
 * it reads the ticker from the prompt, answers a verdict as JSON with token usage, and can hold answers
 * (latency), throttle (429 with Retry-After), fail (5xx), send broken JSON or never answer.
 */
export async function startChatTestServer(initial: ChatTestServerOptions = {}): Promise<ChatTestServer> {
  let options = initial;
  let inFlight = 0;
  let max = 0;
  let requests = 0;
  const attempts = new Map<string, number>();
  const auth: string[] = [];
  const hanging = new Set<ServerResponse>();
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      inFlight++;
      max = Math.max(max, inFlight);
      auth.push(String(req.headers.authorization ?? ''));
      res.on('close', () => {
        inFlight--;
        hanging.delete(res);
      });
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        send(res, 404, '{"error":{"message":"not found"}}');
        return;
      }
      let symbol = '?';
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        symbol = /Facts for (\S+):/.exec(body.messages?.[1]?.content ?? '')?.[1] ?? '?';
      } catch {
        // A bad request body still gets the scripted answer.
      }
      const attempt = attempts.get(symbol) ?? 0;
      attempts.set(symbol, attempt + 1);
      const behaviour = options.behave?.(symbol, attempt) ?? { kind: 'ok' };
      const answer = () => {
        switch (behaviour.kind) {
          case 'hang':
            hanging.add(res);
            return;
          case 'rate-limited':
            send(res, 429, '{"error":{"message":"rate limited"}}', {
              'retry-after': String(behaviour.retryAfterSeconds ?? 1),
            });
            return;
          case 'server-error':
            send(res, behaviour.status ?? 500, '{"error":{"message":"upstream failed"}}');
            return;
          case 'malformed':
            send(res, 200, '{"choices": [{"message": {"content": "{\\"verdict\\": ');
            return;
          default: {
            const content = JSON.stringify({
              verdict: behaviour.verdict ?? 'hold',
              reasons: behaviour.reasons ?? [`${symbol} looks steady`],
              summary: `${symbol}: nothing stands out.`,
            });
            send(
              res,
              200,
              JSON.stringify({
                id: `chatcmpl-${requests}`,
                object: 'chat.completion',
                choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
                usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
              }),
            );
          }
        }
      };
      const latency = options.latencyMs ?? 0;
      if (latency > 0) setTimeout(answer, latency);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    inFlight: () => inFlight,
    maxInFlight: () => max,
    resetMax: () => {
      max = inFlight;
    },
    requests: () => requests,
    authorizations: () => [...auth],
    setOptions(next) {
      options = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
