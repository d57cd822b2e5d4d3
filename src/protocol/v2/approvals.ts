// v2 server → client approval request for a command.
import * as s from "../schema.js";

export const CommandExecutionRequestApprovalParams = s.object({
  threadId: s.string(),
  turnId: s.string(),
  itemId: s.string(),
  reason: s.nullable(s.string()),
  command: s.string(),
  cwd: s.string(),
  commandActions: s.array(s.record(s.unknown())),
  proposedExecpolicyAmendment: s.nullable(s.array(s.string())),
});
export type CommandExecutionRequestApprovalParams = s.Infer<typeof CommandExecutionRequestApprovalParams>;

export const CommandExecutionApprovalDecision = s.enumOf(["accept", "acceptForSession", "decline", "cancel"]);
export type CommandExecutionApprovalDecision = s.Infer<typeof CommandExecutionApprovalDecision>;

export const CommandExecutionRequestApprovalResponse = s.object({ decision: CommandExecutionApprovalDecision });
