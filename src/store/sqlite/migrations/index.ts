import { migration001Foundation } from './001-foundation.js';
import { migration002Analysis } from './002-analysis.js';
import { migration003JobOwner } from './003-job-owner.js';
import { migration004Quotes } from './004-quotes.js';
import { migration005AnalysisTickers } from './005-analysis-tickers.js';
import { migration006BarsSuperseded } from './006-bars-superseded.js';
import { migration007RejectsUnique } from './007-rejects-unique.js';
import { migration008PortfoliosReports } from './008-portfolios-reports.js';
import { migration009HealthSamples } from './009-health-samples.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';
export { runMigrations } from './run-migrations.js';

/** Every schema step in order; a new migration is one file plus one entry here. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Foundation,
  migration002Analysis,
  migration003JobOwner,
  migration004Quotes,
  migration005AnalysisTickers,
  migration006BarsSuperseded,
  migration007RejectsUnique,
  migration008PortfoliosReports,
  migration009HealthSamples,
];
