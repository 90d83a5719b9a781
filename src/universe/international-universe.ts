import { readShippedList } from './shipped-list-universe.js';
import type { UniverseEntry } from './universe-registry.js';

/**
 * About 50 major non-US listings on their home exchanges, in Yahoo's symbol form (OCDO.L, WSU.DE, 7203.T,
 * 0700.HK, NESN.SW ...), from sample/universes/international.csv. Their bars are dated in each exchange's
 * own time zone and follow its own holiday calendar.
 */
export const internationalUniverse: UniverseEntry = {
  name: 'international',
  usage: 'international',
  description: 'about 50 major non-US listings with Yahoo exchange suffixes (OCDO.L, SAP.DE, 7203.T, 0700.HK ...)',
  takesArgument: false,
  resolve: () =>
    readShippedList(
      'international.csv',
      'international',
      'Major non-US listings on their home exchanges (shipped list)',
    ),
};
