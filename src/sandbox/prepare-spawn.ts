// The one entry point between "the model asked to run this" and spawn(): turns a command and the
// policy it runs under into the program to start, or a refusal. A command under read-only or
// workspace-write never runs without the sandbox: when none can be built the answer is a refusal
// naming the fix, never a plain spawn.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { detectSandbox, type SandboxAvailability } from "./availability.js";
import { bwrapArgs } from "./bwrap-args.js";
import { allowsNetwork, isUnsandboxed, type SandboxPolicy } from "./policy.js";
import { effectiveWritableRoots, type WritableRoot } from "./writable-roots.js";

export interface SpawnRequest {
  /** argv, program first. */
  command: readonly string[];
  /** Where the command starts (absolute): the model's `workdir`, else the turn's cwd. */
  cwd: string;
  /**
   * The turn's cwd, the folder workspace-write makes writable (the reference's
   * sandbox_policy_cwd). Kept apart from `cwd` so a model choosing `workdir: "/etc"` gains nothing.
   */
  policyCwd: string;
  /** The command's complete environment; $TMPDIR here is the TMPDIR made writable. */
  env: NodeJS.ProcessEnv;
}

export interface PreparedSpawn {
  /** The program to spawn: bwrap, or the command's own program when unsandboxed. */
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** What wraps the command: "bwrap", or "none" under danger-full-access / external-sandbox. */
  sandbox: "bwrap" | "none";
}

export interface SandboxRefusal {
  /** Said to the model (and the user) as the command's failure. */
  refused: string;
}

/** Set for every command without network, as the reference does, so tools can skip network tests. */
export const NETWORK_DISABLED_ENV = "CODEX_SANDBOX_NETWORK_DISABLED";

/**
 * What to spawn for `request` under `policy`. `availability` defaults to this process's cached
 * detectSandbox(); pass it to decide once per turn or to inject a mechanism in tests.
 */
export async function prepareSandboxedSpawn(
  policy: SandboxPolicy,
  request: SpawnRequest,
  availability?: SandboxAvailability,
): Promise<PreparedSpawn | SandboxRefusal> {
  const [program, ...rest] = request.command;
  if (program === undefined || program === "") return { refused: "command args are empty" };
  const env = { ...request.env };
  if (!allowsNetwork(policy)) env[NETWORK_DISABLED_ENV] = "1";
  if (isUnsandboxed(policy)) return { file: program, args: rest, cwd: request.cwd, env, sandbox: "none" };

  const mechanism = availability ?? (await detectSandbox());
  if (!mechanism.available) {
    return { refused: `Command not run: sandbox_mode "${policy.type}" cannot be enforced: ${mechanism.reason}. ${mechanism.fix}` };
  }
  for (const dir of new Set([request.cwd, request.policyCwd])) {
    if (!path.isAbsolute(dir)) return { refused: `Command not run: the working directory ${dir} is not an absolute path` };
  }

  let writableRoots: WritableRoot[] = [];
  if (policy.type === "workspace-write") {
    try {
      writableRoots = await effectiveWritableRoots(policy, request.policyCwd, request.env);
    } catch (error) {
      return unusableCwd(request.policyCwd, error);
    }
  }
  let cwd: string;
  try {
    cwd = await realDirectory(request.cwd);
  } catch (error) {
    return unusableCwd(request.cwd, error);
  }
  const args = bwrapArgs({ writableRoots, networkAccess: allowsNetwork(policy), cwd, command: request.command });
  return { file: mechanism.bwrapPath, args, cwd, env, sandbox: "bwrap" };
}

/** Type guard for the refusal branch. */
export function isRefusal(prepared: PreparedSpawn | SandboxRefusal): prepared is SandboxRefusal {
  return "refused" in prepared;
}

/**
 * The configWarning summary for start-up when the configured policy needs a sandbox this machine
 * cannot provide, else null.
 */
export function sandboxUnavailableWarning(policy: SandboxPolicy, availability: SandboxAvailability): string | null {
  if (isUnsandboxed(policy) || availability.available) return null;
  return `sandbox_mode "${policy.type}" cannot be enforced (${availability.reason}); commands will be refused. ${availability.fix}`;
}

async function realDirectory(dir: string): Promise<string> {
  const real = await realpath(dir);
  if (!(await stat(real)).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  return real;
}

function unusableCwd(dir: string, error: unknown): SandboxRefusal {
  const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return { refused: `Command not run: the working directory ${dir} cannot be used (${why})` };
}
