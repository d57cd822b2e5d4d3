// Where V8 code caches live, and whether a folder is private enough to run bytecode from. Bytecode
// in the cache runs as us, so a folder another user could write to, swap or point elsewhere would
// let them run code as us: anything short of "ours alone" means running without a cache.
import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** An absolute folder to keep the caches in; any other value (e.g. `off`) turns the cache off. */
export const CACHE_DIR_ENV = "CODEX_APP_SERVER_CACHE_DIR";

const GROUP_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/**
 * $CODEX_APP_SERVER_CACHE_DIR, else $XDG_CACHE_HOME/codex-app-server, else
 * ~/.cache/codex-app-server ($HOME, else the password database's home); null when the cache is
 * off or no absolute folder can be named.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env[CACHE_DIR_ENV];
  if (override) return path.isAbsolute(override) ? override : null;
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "codex-app-server");
  let home = env.HOME;
  if (!home) {
    try {
      home = os.userInfo().homedir;
    } catch {
      // No password entry either.
      return null;
    }
  }
  return path.isAbsolute(home) ? path.join(home, ".cache", "codex-app-server") : null;
}

/** Our user id; undefined where there are none (Windows), and then there is no cache. */
export function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * True when `dir` is a folder (not a symlink) owned by `uid` that only its owner can write to, and
 * no folder above it lets anyone else rename it away.
 */
export function isPrivateDir(dir: string, uid: number): boolean {
  try {
    const own = lstatSync(dir);
    if (!own.isDirectory() || own.uid !== uid || (own.mode & GROUP_OTHER_WRITE) !== 0) return false;
    const parent = path.dirname(dir);
    const realParent = realpathSync.native(parent);
    // The path as written (its symlinks must be ours or root's) and the folders it really goes through.
    return ancestorsAreSafe(parent, uid) && (realParent === parent || ancestorsAreSafe(realParent, uid));
  } catch {
    return false;
  }
}

/** Creates `dir` (and missing parents) with mode 0700 when needed; true when it is then private. */
export function ensurePrivateDir(dir: string, uid: number): boolean {
  if (isPrivateDir(dir, uid)) return true;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // Unwritable or read-only: no cache. An existing folder is never chmod-ed: it may hold a plant.
    return false;
  }
  return isPrivateDir(dir, uid);
}

// Each folder from `start` up to the root must be ours or root's, and not writable by others
// unless sticky (as /tmp is: others cannot rename or delete what is ours in it).
function ancestorsAreSafe(start: string, uid: number): boolean {
  for (let folder = start; ; folder = path.dirname(folder)) {
    const stats = lstatSync(folder);
    if (stats.uid !== uid && stats.uid !== 0) return false;
    if (stats.isDirectory()) {
      if ((stats.mode & GROUP_OTHER_WRITE) !== 0 && (stats.mode & STICKY) === 0) return false;
    } else if (!stats.isSymbolicLink()) {
      return false;
    }
    if (path.dirname(folder) === folder) return true;
  }
}
