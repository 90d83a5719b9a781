import type { BenchSection } from '../bench-section.js';
import { analysisSection } from './analysis.js';
import { analysisKernelsSection } from './analysis-kernels.js';
import { fetchSection } from './fetch.js';
import { precomputeSection } from './precompute.js';
import { storeImportBench } from './store-import.js';
import { storeSyntheticBench } from './store-synthetic.js';

/** Every benchmark section; `npm run bench` with no name runs them all in this order. */
export const SECTIONS: BenchSection[] = [
  analysisKernelsSection,
  analysisSection,
  precomputeSection,
  storeImportBench,
  storeSyntheticBench,
  fetchSection,
];
