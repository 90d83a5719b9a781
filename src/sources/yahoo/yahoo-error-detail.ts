import type { SourceErrorKind } from '../source.js';

/**
 * Yahoo's JSON error envelope, `{"chart"|"finance"|"quoteResponse": {"result": null, "error": {"code", "description"}}}`,
 * read from any body (error statuses included) to name the provider's own reason in messages.
 * Returns undefined for bodies that are not such an envelope (plain-text 429s, HTML pages).
 */
export function yahooErrorDetail(body: string): { code: string; description: string } | undefined {
  const start = body.trimStart();
  if (!start.startsWith('{')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  for (const envelope of Object.values(data as Record<string, unknown>)) {
    if (envelope === null || typeof envelope !== 'object') continue;
    const error = (envelope as { error?: unknown }).error;
    if (error !== null && typeof error === 'object') {
      const code = (error as { code?: unknown }).code;
      const description = (error as { description?: unknown }).description;
      return {
        code: typeof code === 'string' ? code : 'unknown',
        description: typeof description === 'string' ? description : '',
      };
    }
  }
  return undefined;
}

/** Yahoo error codes seen inside a JSON body -> the failure kind. */
export function kindOfYahooErrorCode(code: string): SourceErrorKind {
  switch (code.toLowerCase()) {
    case 'not found':
      return 'not-found';
    case 'bad request':
    case 'unprocessable entity':
      return 'bad-request';
    case 'unauthorized':
    case 'forbidden':
      return 'auth';
    case 'too many requests':
      return 'rate-limited';
    default:
      return 'server-error';
  }
}

export function describeYahooError(e: { code: string; description: string }): string {
  return e.description ? `${e.description} (${e.code})` : e.code;
}
