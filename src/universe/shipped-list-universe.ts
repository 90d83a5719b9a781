import { join } from 'node:path';
import { bundledSampleDir } from '../sources/csv/bundled-sample.js';
import { FileReadError } from '../sources/csv/read-line-batches.js';
import { readSymbolTable, SymbolTableError } from '../sources/csv/read-symbol-table.js';
import { type ResolvedUniverse, UniverseError } from './universe-registry.js';

/** A universe read from a list shipped in sample/universes (one symbol a line, or a CSV with a Symbol column). */
export async function readShippedList(file: string, name: string, description: string): Promise<ResolvedUniverse> {
  const path = join(bundledSampleDir(), 'universes', file);
  try {
    const rows = await readSymbolTable(path);
    return { name, symbols: rows.map((r) => r.symbol), description };
  } catch (error) {
    if (error instanceof SymbolTableError || error instanceof FileReadError) throw new UniverseError(error.message);
    throw error;
  }
}
