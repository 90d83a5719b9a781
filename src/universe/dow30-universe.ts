import { readShippedList } from './shipped-list-universe.js';
import type { UniverseEntry } from './universe-registry.js';

/** The Dow Jones Industrial Average, from the list shipped in sample/universes/dow30.txt. */
export const dow30Universe: UniverseEntry = {
  name: 'dow30',
  usage: 'dow30',
  description: 'the 30 Dow Jones Industrial Average companies (shipped list, as of 2026-01)',
  takesArgument: false,
  resolve: () =>
    readShippedList('dow30.txt', 'dow30', 'Dow Jones Industrial Average constituents as of 2026-01 (shipped list)'),
};
