import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the database lives when neither MARKETDECK_DB nor --db says: one per-user data folder, so that every
 * command finds the same data whatever folder it runs from. Linux and other Unixes follow the XDG base
 * directory spec ($XDG_DATA_HOME, else ~/.local/share), macOS uses ~/Library/Application Support and
 * Windows %LOCALAPPDATA%.
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  return join(userDataFolder(env, platform), 'marketdeck', 'marketdeck.db');
}

function userDataFolder(env: NodeJS.ProcessEnv, platform: string): string {
  const home = env.HOME || homedir();
  if (platform === 'win32') return env.LOCALAPPDATA || join(env.USERPROFILE || home, 'AppData', 'Local');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  // The spec says a relative XDG_DATA_HOME is invalid and to be ignored.
  const xdg = env.XDG_DATA_HOME;
  return xdg?.startsWith('/') ? xdg : join(home, '.local', 'share');
}
