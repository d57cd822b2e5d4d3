// The thread's shell: the one the environment context names to the model (bash), run as a login
// shell the way 0.169 runs a user's `!command`, so the script keeps its pipes, redirects and quoting.
import { accessSync, constants } from "node:fs";
import path from "node:path";

let found: string | undefined;

/** bash's path: the usual places first, then PATH; /bin/sh when there is no bash at all. */
export function userShellPath(env: NodeJS.ProcessEnv = process.env): string {
  if (found !== undefined) return found;
  const dirs = ["/bin", "/usr/bin", ...(env.PATH ?? "").split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = path.join(dir, "bash");
    try {
      accessSync(candidate, constants.X_OK);
      return (found = candidate);
    } catch {
      // not here
    }
  }
  return (found = "/bin/sh");
}

/** The argv that runs `script` in the thread's shell (what the commandExecution item shows). */
export function userShellArgv(script: string): string[] {
  return [userShellPath(), "-lc", script];
}
