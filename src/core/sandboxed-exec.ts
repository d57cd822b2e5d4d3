// Running one shell command under the turn's sandbox policy, and the reference's rules around it:
// which approval policies may ask for escalated permissions, when a failure looks like the sandbox's
// doing (so the user may be offered an unsandboxed rerun), and the refusal when no sandbox can be
// built. The approval conversation itself stays in the turn runner.
import type { AskForApproval } from "../protocol/config.js";
import type { SandboxAvailability } from "../sandbox/availability.js";
import { allowsNetwork, isUnsandboxed, type SandboxPolicy } from "../sandbox/policy.js";
import { isRefusal, prepareSandboxedSpawn } from "../sandbox/prepare-spawn.js";
import { runCommand, type ExecHooks, type ExecResult } from "../tools/exec.js";

/** The reason the reference gives when it asks to rerun a command outside the sandbox. */
export const SANDBOX_RETRY_REASON = "command failed; retry without sandbox?";

const POLICY_NAMES: Record<AskForApproval, string> = {
  untrusted: "UnlessTrusted",
  "on-failure": "OnFailure",
  "on-request": "OnRequest",
  never: "Never",
};

/**
 * Escalated permissions can only be asked for under on-request; elsewhere the call is refused with
 * the reference's text (it names the policy as codex spells it) and nothing runs.
 */
export function escalationRefusal(policy: AskForApproval, escalated: boolean): string | null {
  if (!escalated || policy === "on-request") return null;
  const name = POLICY_NAMES[policy];
  return `approval policy is ${name}; reject command — you should not ask for escalated permissions if the approval policy is ${name}`;
}

/** Policies under which a sandbox-caused failure is offered an unsandboxed rerun (the reference's wants_no_sandbox_approval). */
export function offersUnsandboxedRetry(policy: AskForApproval): boolean {
  return policy === "untrusted" || policy === "on-failure";
}

// What a denial inside bubblewrap looks like: EACCES/EPERM/EROFS as the tools print them, and,
// with the network unshared, the errors of a connect or a lookup that has no route.
const DENIED_KEYWORDS = ["operation not permitted", "permission denied", "read-only file system", "seccomp", "sandbox", "landlock", "failed to write file"];
const NETWORK_KEYWORDS = ["network is unreachable", "could not resolve host", "temporary failure in name resolution", "name or service not known", "connection refused"];
// Exit codes the command's own failures use (shell misuse, not executable, not found).
const QUICK_REJECT_EXIT_CODES = new Set([2, 126, 127]);
const SIGSYS_EXIT_CODE = 128 + 31;

/** Whether a failed sandboxed run may have failed because of the sandbox (the reference's heuristic). */
export function likelySandboxDenied(result: ExecResult, networkBlocked: boolean): boolean {
  if (result.exitCode === 0 || result.timedOut || result.aborted) return false;
  const text = `${result.stdout}\n${result.stderr}`.toLowerCase();
  if (DENIED_KEYWORDS.some((k) => text.includes(k))) return true;
  if (networkBlocked && NETWORK_KEYWORDS.some((k) => text.includes(k))) return true;
  if (QUICK_REJECT_EXIT_CODES.has(result.exitCode)) return false;
  return result.exitCode === SIGSYS_EXIT_CODE || result.signal === "SIGSYS";
}

export interface ShellRun {
  command: string[];
  /** Where the command starts. */
  cwd: string;
  /** The turn's cwd: what workspace-write makes writable. */
  policyCwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export type Attempt = { refused: string } | { result: ExecResult; sandboxed: boolean };

const NO_SANDBOX: SandboxPolicy = { type: "danger-full-access" };

/**
 * One attempt: under `policy`, or with no sandbox at all when `unsandboxed` (the user approved
 * escalated permissions or a rerun). A policy that needs a sandbox this machine cannot build is
 * refused, never run plain.
 */
export async function runAttempt(
  policy: SandboxPolicy,
  unsandboxed: boolean,
  run: ShellRun,
  hooks: ExecHooks,
  sandbox: (() => Promise<SandboxAvailability>) | undefined,
): Promise<Attempt> {
  const effective = unsandboxed ? NO_SANDBOX : policy;
  // Detection (a probe process, once per server) only when a sandbox is wanted.
  const availability = isUnsandboxed(effective) ? undefined : await sandbox?.();
  const prepared = await prepareSandboxedSpawn(effective, { command: run.command, cwd: run.cwd, policyCwd: run.policyCwd, env: run.env }, availability);
  if (isRefusal(prepared)) return prepared;
  const result = await runCommand(
    { command: [prepared.file, ...prepared.args], cwd: prepared.cwd, env: prepared.env, ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}) },
    hooks,
  );
  return { result, sandboxed: prepared.sandbox === "bwrap" };
}

/** Whether commands under `policy` run without network (for the heuristic above). */
export function networkBlocked(policy: SandboxPolicy): boolean {
  return !allowsNetwork(policy);
}
