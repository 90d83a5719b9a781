// The public entry `marketdeck/analysis`: a plain list of re-exports.
export { adx } from './kernels/adx.js';
export { atr } from './kernels/atr.js';
export { type BbandsResult, bbands } from './kernels/bbands.js';
export { ema } from './kernels/ema.js';
export { type MacdResult, macd } from './kernels/macd.js';
export { mfi } from './kernels/mfi.js';
export { obv } from './kernels/obv.js';
export { roc } from './kernels/roc.js';
export { rollingMax } from './kernels/rolling-max.js';
export { rollingMin } from './kernels/rolling-min.js';
export { rsi } from './kernels/rsi.js';
export { sma } from './kernels/sma.js';
export { stddev } from './kernels/stddev.js';
export { type StochResult, stoch } from './kernels/stoch.js';
