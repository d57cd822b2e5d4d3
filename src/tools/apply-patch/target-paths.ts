// Where a patch really writes. A path is resolved against the cwd (normalising "..") and then
// through symlinks: the nearest existing ancestor is realpath'd and the missing rest appended, so
// `link/x` with `link -> /etc` is reported as /etc/x. Root checks compare these real paths, so
// neither ".." nor a symlink can carry a write out of the writable roots unseen.

import { lstat, realpath } from "node:fs/promises";
import { codexHome } from "../../config/paths.js";
import path from "node:path";

/**
 * The real absolute path `target` (already absolute) refers to. With `followLeaf` a symlink at
 * the leaf itself is followed (writes go through it); without, the link itself is the target
 * (deleting a link removes the link). A dangling leaf symlink with `followLeaf` resolves to
 * the real location of the link itself, which callers then find to be a symlink and refuse.
 */
export async function realTargetPath(target: string, followLeaf: boolean): Promise<string> {
  const leaf = await lstatOrNull(target);
  if (leaf !== null && (followLeaf || !leaf.isSymbolicLink())) {
    try {
      return await realpath(target);
    } catch {
      // dangling symlink: fall through to resolving its parent
    }
  }
  // The leaf is missing (or is a link we must not follow): resolve the nearest existing ancestor.
  const missing: string[] = [path.basename(target)];
  let dir = path.dirname(target);
  for (;;) {
    try {
      return path.join(await realpath(dir), ...missing);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const parent = path.dirname(dir);
      if (parent === dir) return path.join(dir, ...missing);
      missing.unshift(path.basename(dir));
      dir = parent;
    }
  }
}

/**
 * Names directly inside a writable root that a patch may not write without approval, as the
 * workspace-write sandbox keeps them read-only: `.git` (hooks), `.codex` (skills, and the user's
 * own config when the root is the home folder) and `.agents`. Unlike the sandbox, one that does
 * not exist yet is protected too: creating it is how a patch would plant a skill.
 */
const PROTECTED_NAMES = [".git", ".codex", ".agents"];

/** Writable roots as real paths, and real paths inside them that stay read-only. */
export interface ResolvedRoots {
  roots: string[];
  /** $CODEX_HOME below a root, whatever its name (unless it holds a root): its config.toml can start programs outside any sandbox. */
  readOnly: string[];
}

/** Whether `realPath` may be written under the resolved roots (see resolveRoots). */
export function isWritableUnder(realPath: string, resolved: ResolvedRoots): boolean {
  if (resolved.readOnly.some((p) => isInside(p, realPath))) return false;
  return resolved.roots.some((root) => isInside(root, realPath) && !PROTECTED_NAMES.some((name) => isInside(path.join(root, name), realPath)));
}

/** The real paths of the given roots (roots that do not exist yet resolve like targets). */
export async function resolveRoots(roots: readonly string[]): Promise<ResolvedRoots> {
  const [home, ...real] = await Promise.all([codexHome(process.env), ...roots].map((root) => realTargetPath(path.resolve(root), true)));
  // As the sandbox: not when it is (or holds) a writable root, e.g. the session's cwd.
  const protect = real.some((root) => isInside(root, home!)) && !real.some((root) => isInside(home!, root));
  return { roots: real, readOnly: protect ? [home!] : [] };
}

/** `candidate` is `dir` or below it (both absolute and normalised). */
export function isInside(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === "" || (!path.isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${path.sep}`));
}

async function lstatOrNull(p: string) {
  try {
    return await lstat(p);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
