/**
 * The schema version of a database opened read-only, which cannot be migrated: a newer or older one is
 * refused naming the database and what to do.
 */
export function checkReadableVersion(version: number, latest: number, location: string): number {
  if (version > latest) {
    throw new Error(
      `database ${location} is at schema version ${version}, newer than this marketdeck knows (${latest}); upgrade marketdeck`,
    );
  }
  if (version < latest) {
    throw new Error(
      `database ${location} is at schema version ${version} and this marketdeck reads ${latest}; run a command that writes (marketdeck analyze) once to upgrade it`,
    );
  }
  return version;
}
