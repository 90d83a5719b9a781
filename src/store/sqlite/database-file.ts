import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Checks of a database path before SQLite sees it, so that a path that cannot hold a database fails at once
 * with the path and the reason: SQLite says only "unable to open database file", and a recursive mkdir under
 * a pseudo file system such as /proc can spin instead of failing.
 */

/** Creates the missing folders of a database file one by one, failing on the first that cannot be made. */
export function prepareDatabaseFolder(location: string): void {
  const missing: string[] = [];
  let folder = dirname(location);
  while (!existsSync(folder)) {
    missing.unshift(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new Error(`cannot create database ${location}: ${folder} is not a folder`);
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new Error(`cannot create database ${location}: folder ${dir} cannot be created (${reasonOf(error)})`, {
        cause: error,
      });
    }
  }
  if (existsSync(location) && statSync(location).isDirectory()) {
    throw new Error(`cannot open database ${location}: it is a folder, not a database file`);
  }
}

/** A read-only open needs an existing file: a missing one is never created. */
export function requireDatabaseFile(location: string): void {
  if (!existsSync(location)) throw new Error(`no database at ${location}`);
  if (statSync(location).isDirectory()) {
    throw new Error(`cannot open database ${location}: it is a folder, not a database file`);
  }
}

/** What went wrong opening a database, with the path and, where it is the cause, that it is read-only. */
export function describeOpenFailure(location: string, error: unknown, readOnly: boolean): string {
  const message = reasonOf(error);
  const code = (error as { code?: unknown }).code;
  const sqliteCannot = typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN');
  if (sqliteCannot && !writable(dirname(location))) {
    return readOnly
      ? `cannot read database ${location}: its folder is read-only and the file was left in write-ahead-log mode without its -shm file (${message}); open it once where it is writable, or copy it to a writable folder`
      : `cannot open database ${location} for writing: its folder is read-only (${message}); commands that only read (status, show, breadth, export, jobs, rejects) still work`;
  }
  if (sqliteCannot && !readOnly && existsSync(location) && !writable(location)) {
    return `cannot open database ${location} for writing: the file is read-only (${message}); commands that only read (status, show, breadth, export, jobs, rejects) still work`;
  }
  return `cannot open database ${location}: ${message}`;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
