// Where a workspace-write command may write: the turn's cwd, the configured writable_roots, and
// $TMPDIR and /tmp unless excluded, each resolved to its real path (a bind mount follows
// symlinks, so the real path is what actually becomes writable). Inside each root, the paths the
// reference keeps read-only: `.git` (a directory, or a worktree's `gitdir:` pointer file together
// with the git directory it names), `.agents` and `.codex`, so a command cannot plant a git hook or
// rewrite the agent's own configuration; and $CODEX_HOME wherever it lies.
import { lstat, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { codexHome } from "../config/paths.js";
import { workspaceWriteOptions, type SandboxPolicy } from "./policy.js";

export interface WritableRoot {
  /** Absolute real path, writable inside the sandbox. */
  root: string;
  /** Absolute real paths inside `root` (or another writable root) that stay read-only. */
  readOnlySubpaths: string[];
}

/** Names directly inside a writable root that stay read-only when they exist as directories. */
const PROTECTED_DIRS = [".agents", ".codex"] as const;

/**
 * The effective writable roots of a workspace-write policy, parents before children, without
 * duplicates. Roots that do not exist are left out (nothing there to write to; creating one later
 * does not make it writable), except that a missing cwd is an error: the command cannot run there.
 *
 * A root reached through a symlink lying inside a writable root is left out too, and for the cwd
 * it is an error: an earlier sandboxed command could have planted that link (`ln -s ~ build`
 * while the configured root `build` did not exist yet) to have the next command's bind make its
 * target writable. (An existing root cannot be swapped from inside: it is a mount point there.)
 */
export async function effectiveWritableRoots(
  policy: Extract<SandboxPolicy, { type: "workspace-write" }>,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<WritableRoot[]> {
  const options = workspaceWriteOptions(policy);
  const candidates: string[] = [];
  for (const root of options.writableRoots) candidates.push(path.resolve(cwd, root));
  candidates.push(cwd);
  if (!options.excludeSlashTmp) candidates.push("/tmp");
  const tmpdir = env.TMPDIR;
  if (!options.excludeTmpdirEnvVar && tmpdir !== undefined && tmpdir !== "") candidates.push(path.resolve(cwd, tmpdir));

  const realCwd = await realpath(cwd);
  const resolved: { candidate: string; real: string }[] = [];
  for (const candidate of candidates) {
    const real = candidate === cwd ? realCwd : await realDirectory(candidate);
    if (real !== null) resolved.push({ candidate, real });
  }
  // Checked against every root, trusted or not: a wider set can only drop more.
  const allReal = resolved.map((r) => r.real);
  const roots = new Set<string>();
  for (const { candidate, real } of resolved) {
    const link = await symlinkInsideRoots(candidate, allReal);
    if (link === null) roots.add(real);
    else if (candidate === cwd) throw new PlantedSymlinkError(cwd, link);
  }
  // Parents first: a child's bind then lands on top of its parent's, never under it.
  const ordered = [...roots].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  // $CODEX_HOME below a writable root stays read-only too, whatever its name: its config.toml can
  // start programs (MCP servers) outside any sandbox. A session that made it (or a folder in it) a
  // writable root, e.g. its cwd, means to work there.
  const found = await realDirectory(codexHome(process.env));
  const home = found !== null && !ordered.some((root) => isWithin(root, found)) ? found : null;
  const out: WritableRoot[] = [];
  for (const root of ordered) {
    const subpaths = await protectedSubpaths(root, ordered);
    if (home !== null && isWithin(home, root) && !subpaths.includes(home)) subpaths.push(home);
    out.push({ root, readOnlySubpaths: subpaths });
  }
  return out;
}

/** The read-only subpaths of one writable root; only those lying inside some writable root matter. */
export async function protectedSubpaths(root: string, allRoots: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const dotGit = path.join(root, ".git");
  const dotGitStat = await lstatOrNull(dotGit);
  if (dotGitStat?.isFile()) {
    found.push(dotGit);
    const gitdir = await gitdirFromPointer(dotGit);
    if (gitdir !== null) found.push(gitdir);
  } else if (dotGitStat !== null) {
    // A directory, or a symlink to one: protect what it resolves to. (A symlinked .git's link
    // itself sits in a writable directory and could be replaced; the repository behind it cannot.)
    const real = await realDirectory(dotGit);
    if (real !== null) found.push(real);
  }
  for (const name of PROTECTED_DIRS) {
    const real = await realDirectory(path.join(root, name));
    if (real !== null) found.push(real);
  }
  return [...new Set(found)].filter((p) => allRoots.some((r) => isWithin(p, r)));
}

/** The real git directory a worktree/submodule `.git` file points at (`gitdir: <path>`), if it exists. */
async function gitdirFromPointer(dotGitFile: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(dotGitFile, "utf8");
  } catch {
    return null;
  }
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match?.[1]) return null;
  return realDirectory(path.resolve(path.dirname(dotGitFile), match[1]));
}

/** The turn's cwd resolves through a symlink a sandboxed command could have made. */
export class PlantedSymlinkError extends Error {
  constructor(
    readonly cwd: string,
    readonly link: string,
  ) {
    super(`${cwd} is reached through ${link}, a symlink inside a writable folder`);
  }
}

/** The first symlink on the way to `absolute` that sits in a folder under one of `roots`, else null. */
async function symlinkInsideRoots(absolute: string, roots: readonly string[]): Promise<string | null> {
  let real = "/";
  for (const part of absolute.split("/").filter(Boolean)) {
    const next = path.join(real, part);
    const info = await lstatOrNull(next);
    if (info === null) return null;
    if (!info.isSymbolicLink()) {
      real = next;
      continue;
    }
    if (roots.some((root) => isWithin(real, root))) return next;
    try {
      real = await realpath(next);
    } catch {
      return null;
    }
  }
  return null;
}

/** True when `p` is `root` or lies under it (both absolute and normalised). */
export function isWithin(p: string, root: string): boolean {
  if (root === "/") return p.startsWith("/");
  return p === root || p.startsWith(root + "/");
}

async function realDirectory(p: string): Promise<string | null> {
  try {
    const real = await realpath(p);
    return (await stat(real)).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

async function lstatOrNull(p: string) {
  try {
    return await lstat(p);
  } catch {
    return null;
  }
}

function depth(p: string): number {
  return p === "/" ? 0 : p.split("/").length - 1;
}
