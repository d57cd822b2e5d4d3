// Moves a conversation's rollout from sessions/ to archived_sessions/ and back; refusing anything that is
// not really (after symlinks and `..`) a file of that conversation inside sessions/.
import { access, lstat, mkdir, realpath, rename, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { archivedDir, isInside, sessionsDir, UUID_RE } from "./paths.js";
import { errnoCode, ioError, RolloutError } from "./types.js";
import { filesIn } from "./walk.js";

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw ioError(`failed to resolve ${p}`, err);
  }
}

/** Returns the archived file's path. On any error nothing has been touched. */
export async function archiveRollout(codexHome: string, conversationId: string, rolloutPath: string): Promise<string> {
  // Messages name the path absolute and without `..` segments, as 0.90 prints it.
  const given = path.resolve(rolloutPath);
  const outside = new RolloutError("outside_sessions", `rollout path \`${given}\` must be in sessions directory`);
  const sessions = await realpathOrUndefined(sessionsDir(codexHome));
  if (sessions === undefined) throw outside;

  const real = await realpathOrUndefined(given);
  if (real === undefined) {
    // Already archived reads as "not in sessions", as the reference words it; a file that was
    // simply never there (but would be inside sessions) is not_found.
    const name = path.basename(given);
    if (await exists(path.join(archivedDir(codexHome), name))) throw outside;
    const parent = (await realpathOrUndefined(path.dirname(given))) ?? path.dirname(given);
    if (!isInside(sessions, path.join(parent, name))) throw outside;
    throw new RolloutError("not_found", `rollout path \`${given}\` does not exist`);
  }
  if (!isInside(sessions, real)) throw outside;

  const name = path.basename(real);
  if (!name.toLowerCase().endsWith(`-${conversationId.toLowerCase()}.jsonl`)) {
    throw new RolloutError("mismatch", `rollout path \`${given}\` does not match thread id ${conversationId}`);
  }
  try {
    if (!(await stat(real)).isFile()) throw new RolloutError("not_found", `rollout path \`${given}\` is not a file`);
  } catch (err) {
    throw ioError(`failed to archive ${rolloutPath}`, err);
  }

  const destDir = archivedDir(codexHome);
  const dest = path.join(destDir, name);
  try {
    await mkdir(destDir, { recursive: true, mode: 0o700 });
    // rename() would silently replace an earlier archive of the same file name.
    if (await exists(dest)) throw new RolloutError("io", `archived rollout \`${dest}\` already exists`);
    await rename(real, dest);
  } catch (err) {
    throw ioError(`failed to archive ${rolloutPath}`, err);
  }
  return dest;
}

/**
 * Moves an archived rollout back to sessions/YYYY/MM/DD of the day its file name carries; returns
 * the restored path. On any error nothing has been touched.
 */
export async function unarchiveRollout(codexHome: string, conversationId: string): Promise<string> {
  const missing = new RolloutError("not_found", `no archived rollout found for thread id ${conversationId}`);
  if (!UUID_RE.test(conversationId)) throw missing;
  const id = conversationId.toLowerCase();
  const hit = (await filesIn(archivedDir(codexHome))).find((f) => f.id === id);
  if (!hit) throw missing;
  const [y, m, d] = hit.stamp.slice(0, 10).split("-") as [string, string, string];
  const destDir = path.join(sessionsDir(codexHome), y, m, d);
  const dest = path.join(destDir, path.basename(hit.path));
  try {
    // A symlink planted in archived_sessions/ must not become a session pointing anywhere.
    if (!(await lstat(hit.path)).isFile()) throw new RolloutError("not_found", `archived rollout \`${hit.path}\` is not a file`);
    await mkdir(destDir, { recursive: true, mode: 0o700 });
    if (await exists(dest)) throw new RolloutError("io", `rollout \`${dest}\` already exists`);
    await rename(hit.path, dest);
  } catch (err) {
    throw ioError(`failed to unarchive thread ${conversationId}`, err);
  }
  // Restored threads count as just touched, so updated_at listings show them on top.
  const now = new Date();
  await utimes(dest, now, now).catch(() => undefined);
  return dest;
}
