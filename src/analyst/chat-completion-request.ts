import { parseRetryAfter } from '../sources/fetch-body.js';
import { AnalystError } from './analyst.js';

export interface ChatEndpoint {
  /** Base URL; requests go to `<baseUrl>/chat/completions`. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** Largest answer read, in bytes (default 1 MiB): a chat answer about one ticker is a few kilobytes. */
  maxResponseBytes?: number;
  /** The transport; default the global fetch. */
  fetch?: typeof fetch;
}

/** An answer the API gave: its status, Retry-After in ms where sent, and the body text. */
export interface ChatAnswer {
  status: number;
  retryAfterMs: number | null;
  text: string;
}

/**
 * One POST to the chat-completions endpoint, bounded in time and size, never following a redirect (a
 * redirect could carry the API key to another origin). Errors never quote the key.
 */
export async function postChatCompletion(
  endpoint: ChatEndpoint,
  body: unknown,
  signal: AbortSignal,
): Promise<ChatAnswer> {
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const limit = endpoint.maxResponseBytes ?? 1 << 20;
  const doFetch = endpoint.fetch ?? fetch;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: both,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new AnalystError(
        'redirect',
        `the chat endpoint answered a redirect (HTTP ${res.status}); redirects are not followed`,
      );
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await res.body?.cancel();
      throw new AnalystError('too-large', `the chat answer is ${declared} bytes, more than the ${limit} read`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > limit) throw new AnalystError('too-large', `the chat answer passed the ${limit} bytes read`);
        chunks.push(chunk);
      }
    }
    return {
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) ?? null,
      text: Buffer.concat(chunks).toString('utf8'),
    };
  } catch (error) {
    if (error instanceof AnalystError) throw error;
    if (timeout.aborted && !signal.aborted) {
      throw new AnalystError('timeout', `no chat answer within ${endpoint.timeoutMs} ms`);
    }
    if (signal.aborted) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new AnalystError('network', `the chat endpoint could not be reached (${cause})`);
  }
}
