/**
 * Every error code the HTTP API answers with, its status and what it means. A client branches on the code,
 * never on the message. ApiError takes only a code listed here; a test checks that each is in README.md.
 */
export const ERROR_CODES = {
  MD_ERR_BAD_PARAM: { status: 400, description: 'a query parameter is unknown or its value is not allowed' },
  MD_ERR_BAD_JSON: { status: 400, description: 'the request body is not valid JSON' },
  MD_ERR_BAD_BODY: { status: 400, description: 'the request body is JSON but not the expected shape' },
  MD_ERR_BAD_PORTFOLIO: {
    status: 400,
    description: 'an imported portfolio file has bad rows (each named by file:line, the value and what was expected)',
  },
  MD_ERR_UNAUTHORIZED: { status: 401, description: 'a state-changing request without the right Bearer API_TOKEN' },
  MD_ERR_CROSS_ORIGIN: {
    status: 403,
    description: "a state-changing request from another site's page (a foreign Origin or Sec-Fetch-Site)",
  },
  MD_ERR_NOT_FOUND: { status: 404, description: 'no endpoint at this path' },
  MD_ERR_UNKNOWN_TICKER: { status: 404, description: 'the symbol has no analysed data' },
  MD_ERR_UNKNOWN_BREADTH: { status: 404, description: 'no breadth series for this universe and scope' },
  MD_ERR_UNKNOWN_CHART: { status: 404, description: 'no pipeline chart of this name' },
  MD_ERR_UNKNOWN_JOB: { status: 404, description: 'no job run with this id' },
  MD_ERR_UNKNOWN_PORTFOLIO: { status: 404, description: 'no portfolio of this name is stored' },
  MD_ERR_UNKNOWN_REPORT: { status: 404, description: 'no deep-analysis report on this symbol yet' },
  MD_ERR_METHOD_NOT_ALLOWED: { status: 405, description: 'the endpoint exists but not for this HTTP method' },
  MD_ERR_BODY_TOO_LARGE: { status: 413, description: 'the request body is larger than the limit (64 KiB)' },
  MD_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'a state-changing request whose body is not application/json',
  },
  MD_ERR_BAD_HOST: {
    status: 421,
    description: 'the Host header names no address of this server (bind address, localhost or ALLOWED_HOSTS)',
  },
  MD_ERR_JOB_FAILED: { status: 500, description: 'the job the request ran did not succeed' },
  MD_ERR_INTERNAL: { status: 500, description: 'an unexpected server error (logged by the server)' },
  MD_ERR_TOO_MANY_STREAMS: { status: 503, description: 'SERVER_MAX_EVENT_STREAMS event streams are open already' },
  MD_ERR_NOT_READY: {
    status: 503,
    description: 'the payload has not been precomputed yet; run `marketdeck precompute` (or POST /api/refresh)',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
