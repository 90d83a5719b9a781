/**
 * marketdeck as a library: the pieces a script or notebook needs without the CLI. Subpaths keep imports
 * small: `marketdeck/analysis` (indicator kernels), `marketdeck/store`, `marketdeck/config`, `marketdeck/domain`.
 */
export * from './analysis/index.js';
export * from './config/index.js';
export * from './domain/index.js';
export { openStore } from './store/open-store.js';
export type { Store } from './store/store.js';
