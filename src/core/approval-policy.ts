// Whether a shell call needs the user's approval under a policy. Decisions remembered with
// approved_for_session are checked by the caller first.
import type { AskForApproval } from "../protocol/config.js";
import { isKnownSafeCommand } from "../tools/safe-commands.js";

export type ApprovalDecision = "approved" | "approved_for_session" | "denied" | "abort";

export type ExecPlan = { kind: "run" } | { kind: "ask"; reason: string | null };

export function planExec(policy: AskForApproval, command: string[], escalationRequested: boolean, justification?: string): ExecPlan {
  switch (policy) {
    case "untrusted":
      return isKnownSafeCommand(command) ? { kind: "run" } : { kind: "ask", reason: null };
    case "on-request":
      return escalationRequested ? { kind: "ask", reason: justification ?? null } : { kind: "run" };
    case "on-failure":
    case "never":
      return { kind: "run" };
  }
}

/**
 * The key under which approved_for_session remembers a command: the same argv in another
 * directory (`rm -f keep.txt`) or with escalated permissions is a different action and asks again.
 */
export function approvalKey(command: readonly string[], cwd: string, escalated: boolean): string {
  return JSON.stringify({ command, cwd, escalated });
}
