/** Refuses a migration list whose versions do not run 1, 2, 3 ... in order. */
export function checkMigrationOrder(migrations: readonly { version: number; name: string }[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions run 1, 2, 3 ...)`);
    }
  });
}

/** Refuses a database at a schema newer than this marketdeck knows. */
export function checkNotNewer(version: number, latest: number, location: string): void {
  if (version > latest) {
    throw new Error(
      `database ${location} is at schema version ${version}, newer than this marketdeck knows (${latest}); upgrade marketdeck`,
    );
  }
}

/**
 * The schema version of a database opened read-only, which cannot be migrated: a newer or older one is
 * refused naming the database and what to do.
 */
export function checkReadableVersion(version: number, latest: number, location: string): number {
  checkNotNewer(version, latest, location);
  if (version < latest) {
    throw new Error(
      `database ${location} is at schema version ${version} and this marketdeck reads ${latest}; run a command that writes (marketdeck analyze) once to upgrade it`,
    );
  }
  return version;
}
