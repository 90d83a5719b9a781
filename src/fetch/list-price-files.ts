import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Names of price files picked up when a folder is imported; a file named explicitly is read whatever its name. */
const PRICE_FILE = /\.(csv|txt)(\.gz)?$/i;

export interface ListedFiles {
  files: string[];
  /** Paths that do not exist, cannot be listed, or are folders without price files, with why. */
  missing: { path: string; reason: string }[];
}

/** Expands the given files and folders (recursively, sorted) into absolute paths of price files. */
export async function listPriceFiles(paths: readonly string[]): Promise<ListedFiles> {
  const files: string[] = [];
  const missing: { path: string; reason: string }[] = [];
  const seen = new Set<string>();
  const addFile = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      files.push(p);
    }
  };
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && PRICE_FILE.test(e.name)) addFile(p);
    }
  };
  for (const given of paths) {
    const p = resolve(given);
    try {
      const st = await stat(p);
      if (st.isDirectory()) {
        const before = files.length;
        await walk(p);
        // A folder that yields nothing is almost always a wrong path: say so rather than import nothing quietly.
        if (files.length === before) missing.push({ path: p, reason: 'no .csv, .csv.gz or .txt files in this folder' });
      } else addFile(p);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason =
        e.code === 'ENOENT' ? 'no such file or folder' : e.code === 'EACCES' ? 'permission denied' : e.message;
      missing.push({ path: p, reason });
    }
  }
  return { files, missing };
}
