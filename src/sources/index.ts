export * from './alphavantage/alpha-vantage-daily-source.js';
export * from './create-http-get.js';
export * from './exchange-day.js';
export * from './http-get.js';
export * from './http1/create-socket-http-get.js';
export * from './source.js';
export * from './yahoo/yahoo-chart-source.js';
export * from './yahoo/yahoo-quote-source.js';
