// Why the session store cannot be used, in words a user can act on: which path is in the way and
// what is wrong with it (not a directory, permission denied, …), instead of a bare "Internal error"
// or an empty list that looks like no history.
import { lstat } from "node:fs/promises";
import path from "node:path";
import { errnoCode, RolloutError } from "./types.js";

const CAUSES: Record<string, string> = {
  ENOTDIR: "not a directory",
  EEXIST: "not a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
};

/** Failures of the store itself, as opposed to one file's (a name collision, a torn write). */
const STORE_CODES = new Set(["ENOTDIR", "EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT"]);

export function isStorageFailure(err: unknown): boolean {
  return STORE_CODES.has(errnoCode(err) ?? "");
}

export function describeCause(err: unknown): string {
  const code = errnoCode(err);
  const known = code ? CAUSES[code] : undefined;
  if (known) return `${known} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** The nearest existing ancestor of `target` (itself included) that is not a directory. */
async function blockingFile(target: string): Promise<string | undefined> {
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    const info = await lstat(p).catch(() => undefined);
    if (info && !info.isDirectory() && !info.isSymbolicLink()) return p;
    if (path.dirname(p) === p) return undefined;
  }
}

/**
 * `<what>: <path> is not a directory` when a file stands where a directory must be, else
 * `<what>: <dir>: <cause>`. A RolloutError with code "storage".
 */
export async function storageError(what: string, dir: string, err: unknown): Promise<RolloutError> {
  const code = errnoCode(err);
  if (code === "ENOTDIR" || code === "EEXIST") {
    const blocker = await blockingFile(dir);
    if (blocker) return new RolloutError("storage", `${what}: ${blocker} is not a directory`);
  }
  return new RolloutError("storage", `${what}: ${dir}: ${describeCause(err)}`);
}
