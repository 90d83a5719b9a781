import type { BenchSection } from '../bench-section.js';
import { combineSections } from '../combine-sections.js';
import { analysisSection } from './analysis.js';
import { analysisKernelsSection } from './analysis-kernels.js';
import { fetchSection } from './fetch.js';
import { fetchHostileSection } from './fetch-hostile.js';
import { operationsSection } from './operations.js';
import { precomputeSection } from './precompute.js';
import { reliabilitySection } from './reliability.js';
import { reportsSection } from './reports.js';
import { scaleSection } from './scale.js';
import { storeImportBench } from './store-import.js';
import { storeSyntheticBench } from './store-synthetic.js';
import { webSection } from './web.js';
import { webApiSection } from './web-api.js';

/** The sections the issues name, each measured in one run: `npm run bench -- store|fetch|analysis|precompute`. */
const store = combineSections('store', 'CSV import beside sqlite3, and the synthetic 10,000-ticker store', [
  storeImportBench,
  storeSyntheticBench,
]);
const analysis = combineSections('analysis', 'indicator kernels beside other libraries, then the whole market', [
  analysisKernelsSection,
  analysisSection,
]);

/** The dashboard in chromium, then the API beside bare node:http: `npm run bench -- web`. */
const web = combineSections('web', 'the dashboard pages in chromium, then the API serving path', [
  { ...webSection, name: 'web-pages' },
  webApiSection,
]);

/** Every benchmark section; `npm run bench` with no name runs the main ones in this order. */
export const SECTIONS: BenchSection[] = [store, fetchSection, analysis, precomputeSection, reportsSection];

/** Parts that can also be run alone by name (`npm run bench -- analysis-kernels`). */
export const PART_SECTIONS: BenchSection[] = [
  scaleSection,
  reliabilitySection,
  operationsSection,
  web,
  { ...webSection, name: 'web-pages' },
  webApiSection,
  storeImportBench,
  storeSyntheticBench,
  analysisKernelsSection,
  analysisSection,
  fetchHostileSection,
];
