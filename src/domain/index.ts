export * from './bar-series.js';
export * from './breadth-series.js';
export * from './epoch-day.js';
export * from './quote.js';
export * from './screener-row.js';
export * from './signal.js';
export * from './symbol.js';
export * from './ticker.js';
