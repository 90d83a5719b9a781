import type { Config } from '../config/index.js';
import { createHttpGet } from '../sources/create-http-get.js';
import type { HttpGet } from '../sources/http-get.js';

/** The settings every source's transport takes. */
export type TransportConfig = Pick<Config, 'fetchTimeoutMs' | 'fetchConnectTimeoutMs' | 'fetchMaxBodyBytes'>;

/** The network transport of the sources, with the request and connect timeouts and the answer size limit from config. */
export function createConfiguredHttpGet(config: TransportConfig): HttpGet {
  return createHttpGet({
    timeoutMs: config.fetchTimeoutMs,
    connectTimeoutMs: config.fetchConnectTimeoutMs,
    maxBodyBytes: config.fetchMaxBodyBytes,
  });
}
