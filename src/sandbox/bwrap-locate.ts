// Finding a bubblewrap we can trust, and checking once that it works here. The binary is never
// looked up through PATH: a PATH entry another user can write would let them choose the program
// that "sandboxes" every command. Only fixed system locations count, and only when the file and
// every directory above it (real path and the path as written) belong to root and nobody else can
// write them.
import { execFile } from "node:child_process";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

/** Where distributions install bwrap (Debian/Ubuntu: /usr/bin; merged-/usr: also /bin; source builds: /usr/local/bin). */
export const DEFAULT_BWRAP_LOCATIONS: readonly string[] = ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"];

export type BwrapLocation = { path: string } | { path: null; reason: string };

/**
 * The first trusted bwrap among `locations`, or why none qualifies (each location's problem,
 * joined). `locations` is injectable for tests; production uses the defaults.
 */
export async function locateBwrap(locations: readonly string[] = DEFAULT_BWRAP_LOCATIONS): Promise<BwrapLocation> {
  const problems: string[] = [];
  for (const location of locations) {
    const problem = await untrustedReason(location);
    if (problem === null) return { path: location };
    problems.push(`${location}: ${problem}`);
  }
  return { path: null, reason: problems.join("; ") };
}

/** Who may own a trusted program and the folders above it. */
export interface Trust {
  /** Owners allowed besides root (git may live in the user's own prefix; bwrap may not). */
  uids: readonly number[];
  /** A root-owned sticky folder (/tmp) above the file is fine: nobody else can rename what is in it. */
  stickyDirs: boolean;
}

const ROOT_ONLY: Trust = { uids: [], stickyDirs: false };

/** Why `file` cannot be trusted as a system binary (by default: root's alone), or null when it can. */
export async function untrustedReason(file: string, trust: Trust = ROOT_ONLY): Promise<string | null> {
  if (!path.isAbsolute(file)) return "not an absolute path";
  let real: string;
  let info;
  try {
    real = await realpath(file);
    info = await stat(real);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : `cannot be read (${(error as Error).message})`;
  }
  if (!info.isFile()) return "not a regular file";
  if ((info.mode & 0o111) === 0) return "not executable";
  const fileProblem = ownershipProblem(real, info, trust, false);
  if (fileProblem !== null) return fileProblem;
  // Both chains: the real one holds the file, the written one decides which file the path names.
  for (const dir of new Set([...ancestors(real), ...ancestors(file)])) {
    let dirInfo;
    try {
      dirInfo = await stat(dir);
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

export type BwrapProbe = { ok: true } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Runs `/bin/true` under `bwrap` with the namespaces and mounts every sandboxed command uses; a
 * kernel without unprivileged user namespaces, or a container that forbids them, fails here with
 * bwrap's own message (e.g. "No permissions to create new namespace").
 */
export function probeBwrap(bwrapPath: string): Promise<BwrapProbe> {
  const args = [
    "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
    "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--unshare-net", "--proc", "/proc", "--", "true",
  ];
  return new Promise((resolve) => {
    execFile(bwrapPath, args, { timeout: PROBE_TIMEOUT_MS, env: { PATH: "/usr/bin:/bin" } }, (error, _stdout, stderr) => {
      if (!error) return resolve({ ok: true });
      const said = String(stderr).trim().split("\n")[0];
      if (said) return resolve({ ok: false, reason: said });
      const { code, signal } = error as { code?: unknown; signal?: unknown };
      if (typeof code === "number") return resolve({ ok: false, reason: `exited with status ${code}` });
      resolve({ ok: false, reason: typeof signal === "string" ? `killed by ${signal}` : error.message });
    });
  });
}
