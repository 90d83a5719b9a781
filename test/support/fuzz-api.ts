import { request } from 'node:http';
import fc from 'fast-check';

/** Strings an attacker or a broken client sends: traversal, NUL and control characters, look-alikes, markup. */
export const HOSTILE_TEXT: readonly string[] = [
  '..',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'A\u0000B',
  '\u0000',
  '\u0007\u001b[31m',
  '\r\nX-Injected: 1',
  '\u0410APL', // Cyrillic A
  '\uff21\uff21\uff30\uff2c', // full-width AAPL
  '\u202eLPAA', // right-to-left override
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '%00',
  '%2e%2e%2f',
  'BRK.B',
  '^GSPC',
  'x'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  '{}',
  '[]',
  'null',
];

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const segment = hostile.map((s) => encodeURIComponent(s));

const GET_PATHS: readonly ((s: string) => string)[] = [
  () => '/api/overview',
  () => '/api/screener',
  (s) => `/api/ticker/${s}`,
  (s) => `/api/ticker/${s}/bars`,
  (s) => `/api/breadth/${s}`,
  (s) => `/api/jobs/${s}`,
  () => '/api/jobs',
  (s) => `/api/pipeline/${s}`,
  () => '/api/sparklines',
  (s) => `/api/portfolios/${s}`,
  (s) => `/api/reports/${s}`,
  (s) => `/api/${s}`,
  (s) => `/${s}`,
  () => '/healthz',
];
const QUERY_KEYS = [
  'universe',
  'sector',
  'from',
  'to',
  'limit',
  'sort',
  'order',
  'fields',
  'indicators',
  'symbols',
  'benchmark',
  'kind',
  'status',
  'format',
  'q',
];

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** A request of any shape to the API: a known path with hostile segments and query, or a POST with a hostile body. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...GET_PATHS),
        segment,
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), hostile), {
          maxLength: 4,
        }),
      )
      .map(([path, s, query]) => {
        const q = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        return { method: 'GET' as const, path: path(s) + (q ? `?${q}` : '') };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/api/update', '/api/jobs', '/api/portfolios', `/api/jobs/x/cancel`),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.record({ name: hostile, content: hostile, fileName: hostile }).map((o) => JSON.stringify(o)),
          fc
            .record({ kind: fc.constantFrom('fetch', 'analyze', 'nope', 'report'), params: fc.object() })
            .map((o) => JSON.stringify(o)),
          fc.record({ universe: hostile, tickers: fc.array(hostile, { maxLength: 3 }) }).map((o) => JSON.stringify(o)),
        ),
      )
      .map(([path, body]) => ({ method: 'POST' as const, path, body })),
  },
);

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends one request as a same-origin client would (so POSTs reach their handlers), and reads the whole answer. */
export function send(base: string, r: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${r.path}`,
      {
        method: r.method,
        headers: r.body === undefined ? {} : { 'content-type': 'application/json', origin: base },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** What fuzzing the API found: requests sent, and every one answered 5xx or not as JSON under /api/. */
export interface FuzzApiResult {
  requests: number;
  statuses: Record<string, number>;
  serverErrors: { request: FuzzRequest; status: number; body: string }[];
  notJson: { request: FuzzRequest; contentType: string }[];
}

export async function fuzzApi(base: string, numRuns: number, seed: number): Promise<FuzzApiResult> {
  const result: FuzzApiResult = { requests: 0, statuses: {}, serverErrors: [], notJson: [] };
  await fc.assert(
    fc.asyncProperty(fuzzRequest, async (r) => {
      const a = await send(base, r);
      result.requests++;
      result.statuses[a.status] = (result.statuses[a.status] ?? 0) + 1;
      if (a.status >= 500) result.serverErrors.push({ request: r, status: a.status, body: a.body.slice(0, 300) });
      if (r.path.startsWith('/api/') && a.body !== '' && !a.contentType.startsWith('application/json')) {
        result.notJson.push({ request: r, contentType: a.contentType });
      }
    }),
    { numRuns, seed },
  );
  return result;
}
