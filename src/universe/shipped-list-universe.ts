import { join } from 'node:path';
import { bundledSampleDir } from '../sources/csv/bundled-sample.js';
import { universeFromSymbolFile } from './symbol-file-universe.js';
import type { ResolvedUniverse } from './universe-registry.js';

/** A universe read from a list shipped in sample/universes (one symbol a line, or a CSV with a Symbol column). */
export function readShippedList(file: string, name: string, description: string): Promise<ResolvedUniverse> {
  return universeFromSymbolFile(join(bundledSampleDir(), 'universes', file), name, description);
}
