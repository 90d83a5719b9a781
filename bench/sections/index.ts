import type { BenchSection } from '../bench-section.js';

/** Every benchmark section; `npm run bench` with no name runs them all in this order. */
export const SECTIONS: BenchSection[] = [];
