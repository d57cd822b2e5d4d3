// Whether a file (and every folder above it) is one only root, or root and this user, could have
// put there: nothing is executed or loaded from a place another user can write.
import { realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";

/** Who may own a trusted program and the folders above it. */
export interface Trust {
  /** Owners allowed besides root (git may live in the user's own prefix; bwrap may not). */
  uids: readonly number[];
  /** A root-owned sticky folder (/tmp) above the file is fine: nobody else can rename what is in it. */
  stickyDirs: boolean;
  /** A program must be executable; a file that is only read (SKILL.md) need not. */
  program: boolean;
}

const ROOT_ONLY: Trust = { uids: [], stickyDirs: false, program: true };

/** Root or this process's user, /tmp-like folders allowed: for what the user's own tools may be. */
export function userTrust(program: boolean): Trust {
  return { uids: typeof process.getuid === "function" ? [process.getuid()] : [], stickyDirs: true, program };
}

/** Why `file` cannot be trusted as a system binary (by default: root's alone), or null when it can. */
export async function untrustedReason(file: string, trust: Trust = ROOT_ONLY): Promise<string | null> {
  return untrustedReasonSync(file, trust);
}

/** The same, synchronously (a handful of stat calls): the config is loaded synchronously at start-up. */
export function untrustedReasonSync(file: string, trust: Trust = ROOT_ONLY): string | null {
  if (!path.isAbsolute(file)) return "not an absolute path";
  let real: string;
  let info: Stats;
  try {
    real = realpathSync(file);
    info = statSync(real);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : `cannot be read (${(error as Error).message})`;
  }
  if (!info.isFile()) return "not a regular file";
  if (trust.program && (info.mode & 0o111) === 0) return "not executable";
  const fileProblem = ownershipProblem(real, info, trust, false);
  if (fileProblem !== null) return fileProblem;
  // Both chains: the real one holds the file, the written one decides which file the path names.
  for (const dir of new Set([...ancestors(real), ...ancestors(file)])) {
    let dirInfo: Stats;
    try {
      dirInfo = statSync(dir);
    } catch (error) {
      return `cannot check ${dir} (${(error as Error).message})`;
    }
    const problem = ownershipProblem(dir, dirInfo, trust, true);
    if (problem !== null) return problem;
  }
  return null;
}

function ownershipProblem(p: string, info: { uid: number; mode: number }, trust: Trust, isDir: boolean): string | null {
  if (info.uid !== 0 && !trust.uids.includes(info.uid)) return `${p} is owned by uid ${info.uid}, not root${trust.uids.length > 0 ? " or this user" : ""}`;
  const sticky = isDir && trust.stickyDirs && info.uid === 0 && (info.mode & 0o1000) !== 0;
  if ((info.mode & 0o022) !== 0 && !sticky) return `${p} is writable by group or others (mode ${(info.mode & 0o7777).toString(8)})`;
  return null;
}

/** The directories above `p`, nearest first, up to and including `/`. */
function ancestors(p: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(p);
  for (;;) {
    out.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

export class UntrustedProgramError extends Error {}

/**
 * `name` found on `searchPath` as a shell would, except that relative entries (which resolve in
 * whatever folder the program starts in, e.g. a repository) and files another user could have
 * put there are skipped. A name with a slash is the caller's exact choice and is returned as is.
 */
export function resolveTrustedProgram(name: string, searchPath: string | undefined): string {
  if (name.includes("/")) return name;
  const trust = userTrust(true);
  const skipped: string[] = [];
  for (const dir of (searchPath || "/usr/bin:/bin").split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    const problem = untrustedReasonSync(candidate, trust);
    if (problem === null) return candidate;
    if (problem !== "not found") skipped.push(`${candidate} (${problem})`);
  }
  throw new UntrustedProgramError(skipped.length > 0 ? `no trusted ${name} on PATH; skipped ${skipped.join(", ")}` : `${name} not found on PATH`);
}

