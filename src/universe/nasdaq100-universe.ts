import { readShippedList } from './shipped-list-universe.js';
import type { UniverseEntry } from './universe-registry.js';

/** The Nasdaq-100, from the list shipped in sample/universes/nasdaq100.txt (its header says as of when and from where). */
export const nasdaq100Universe: UniverseEntry = {
  name: 'nasdaq100',
  usage: 'nasdaq100',
  description: 'the Nasdaq-100 list shipped with marketdeck (as of 2026-01)',
  takesArgument: false,
  resolve: () => readShippedList('nasdaq100.txt', 'nasdaq100', 'Nasdaq-100 constituents as of 2026-01 (shipped list)'),
};
