// thread/delete: removes a thread's rollout, wherever it is (sessions/ or archived_sessions/),
// and its names. Only a regular file named for that thread id is removed.
import { lstat, unlink } from "node:fs/promises";
import { findRolloutPath } from "./listing.js";
import { archivedDir, UUID_RE } from "./paths.js";
import { removeThreadNames } from "./session-index.js";
import { ioError, RolloutError } from "./types.js";
import { filesIn } from "./walk.js";

/** Returns the removed file's path. */
export async function deleteRollout(codexHome: string, threadId: string): Promise<string> {
  const missing = new RolloutError("not_found", `no rollout found for thread id ${threadId}`);
  if (!UUID_RE.test(threadId)) throw missing;
  const id = threadId.toLowerCase();
  const file = (await findRolloutPath(codexHome, id)) ?? (await filesIn(archivedDir(codexHome))).find((f) => f.id === id)?.path;
  if (!file) throw missing;
  try {
    if (!(await lstat(file)).isFile()) throw missing;
    await unlink(file);
  } catch (err) {
    if (err instanceof RolloutError) throw err;
    throw ioError(`failed to delete thread ${threadId}`, err);
  }
  await removeThreadNames(codexHome, id);
  return file;
}
