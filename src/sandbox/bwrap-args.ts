// The bubblewrap command line for one sandboxed command. Pure: the writable roots are resolved
// beforehand (writable-roots.ts), so the same inputs always give the same argv.
//
// Mount order matters, later mounts cover earlier ones:
//   1. --ro-bind / /      the whole filesystem, read-only
//   2. --dev /dev         a fresh minimal /dev (null, zero, urandom, tty, pts, shm) under it
//   3. --bind R R         each writable root, parents before children
//   4. --ro-bind P P      each protected path inside them, read-only again
// The rest, as codex 0.169's linux-sandbox does, plus an IPC namespace and an explicit --chdir:
//   (no --new-session: our commands are spawned detached, i.e. setsid() already, so they have no
//   controlling terminal to push keystrokes into with TIOCSTI; and a second setsid inside bwrap
//   takes the command out of the group we kill, while --die-with-parent is not yet armed during
//   bwrap's start-up: a kill in those first milliseconds left the command running)
//   --die-with-parent     the command is SIGKILLed when the server dies, never outlives it
//   --unshare-pid/--proc  it sees and can signal only its own processes
//   --unshare-ipc         no System V IPC or POSIX queues shared with the host
//   --unshare-net         unless network is allowed: only a private loopback, no route out
//   --cap-drop ALL        when the server runs as root, bwrap would otherwise leave the command
//                         every capability, enough to remount / writable or unmount the
//                         read-only .git; unprivileged it has none anyway (0.169 relies on its
//                         own seccomp stage for this, we have none)
import type { WritableRoot } from "./writable-roots.js";

export interface BwrapInvocation {
  /** Writable roots with their protected subpaths; empty for read-only. */
  writableRoots: readonly WritableRoot[];
  networkAccess: boolean;
  /** Absolute real path the command starts in. */
  cwd: string;
  /** argv of the command itself (program first). */
  command: readonly string[];
}

/** Everything after `bwrap` itself, ending with `--` and the command. */
export function bwrapArgs(invocation: BwrapInvocation): string[] {
  const args = ["--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev"];
  for (const { root } of invocation.writableRoots) args.push("--bind", root, root);
  for (const subpath of uniqueProtectedSubpaths(invocation.writableRoots)) args.push("--ro-bind", subpath, subpath);
  args.push("--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL");
  if (!invocation.networkAccess) args.push("--unshare-net");
  args.push("--proc", "/proc", "--chdir", invocation.cwd, "--", ...invocation.command);
  return args;
}

function uniqueProtectedSubpaths(roots: readonly WritableRoot[]): string[] {
  const all = new Set<string>();
  for (const root of roots) for (const p of root.readOnlySubpaths) all.add(p);
  return [...all].sort();
}
