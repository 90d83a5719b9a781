export * from './bar-codec.js';
export { mergeBarChunk } from './merge-bar-chunk.js';
export { openStore } from './open-store.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export type * from './store.js';
export { validateBarSeries } from './validate-bar-series.js';
