export * from './bar-series.js';
export * from './epoch-day.js';
export * from './symbol.js';
export * from './ticker.js';
