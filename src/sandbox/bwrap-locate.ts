// Finding a bubblewrap we can trust, and checking once that it works here. The binary is never
// looked up through PATH: a PATH entry another user can write would let them choose the program
// that "sandboxes" every command. Only fixed system locations count, and only when the file and
// every directory above it (real path and the path as written) belong to root and nobody else can
// write them.
import { execFile } from "node:child_process";
import { untrustedReason } from "./trusted-path.js";

export { untrustedReason };

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
