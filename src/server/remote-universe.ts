import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import '../universe/builtin-universes.js';
import { listUniverses, universeEntry } from '../universe/universe-registry.js';
import { ApiError } from './api-error.js';

/**
 * A universe named in a request over HTTP, checked before any job reads it: a registered name, or
 * `file:NAME` for a regular file inside UNIVERSE_DIR (none by default). A request must never make the server
 * read an arbitrary path (/proc/self/environ, /dev/zero) and publish what it found. Returns the spec the job
 * runs with: a file as its real absolute path, so a symlink cannot point it elsewhere later.
 */
export async function checkRemoteUniverse(spec: string, universeDir: string): Promise<string> {
  const colon = spec.indexOf(':');
  const name = (colon === -1 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  if (name !== 'file') {
    if (!universeEntry(name)) {
      throw badUniverse(
        spec,
        `expected one of ${listUniverses()
          .map((u) => u.usage)
          .join(', ')}`,
      );
    }
    return spec;
  }
  if (universeDir === '') {
    throw badUniverse(spec, 'symbol files are read over HTTP only from the folder UNIVERSE_DIR names, and none is set');
  }
  const argument = spec.slice(colon + 1);
  let root: string;
  let file: string;
  try {
    root = await realpath(universeDir);
    file = await realpath(resolve(root, argument));
  } catch {
    throw badUniverse(spec, 'expected the name of a file in UNIVERSE_DIR');
  }
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw badUniverse(spec, 'expected the name of a file in UNIVERSE_DIR, not a path out of it');
  }
  if (!(await stat(file)).isFile()) throw badUniverse(spec, 'expected a regular file in UNIVERSE_DIR');
  return `file:${file}`;
}

function badUniverse(spec: string, expected: string): ApiError {
  const shown = spec.length > 80 ? `${spec.slice(0, 80)}...` : spec;
  return new ApiError('MD_ERR_BAD_BODY', `universe ${JSON.stringify(shown)} cannot be used over HTTP; ${expected}`);
}
