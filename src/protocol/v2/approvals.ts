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
  /** A command about to run ("command"); writing to a running terminal is not a thing here. */
  kind: s.enumOf(["command", "writeStdin", "humanCommand"]),
  /** When the request was made (Unix ms). */
  startedAtMs: s.integer(),
  // 0.169 fields for features this server has not: callbacks, remote environments, network rules.
  approvalId: s.nullable(s.string()),
  environmentId: s.nullable(s.string()),
  networkApprovalContext: s.nullable(s.unknown()),
  proposedNetworkPolicyAmendments: s.nullable(s.array(s.unknown())),
});
export type CommandExecutionRequestApprovalParams = s.Infer<typeof CommandExecutionRequestApprovalParams>;

export const CommandExecutionApprovalDecision = s.enumOf(["accept", "acceptForSession", "decline", "cancel"]);
export type CommandExecutionApprovalDecision = s.Infer<typeof CommandExecutionApprovalDecision>;

export const CommandExecutionRequestApprovalResponse = s.object({ decision: CommandExecutionApprovalDecision });

// v2 server → client approval request for a patch (its changes are on the fileChange item).
export const FileChangeRequestApprovalParams = s.object({
  threadId: s.string(),
  turnId: s.string(),
  itemId: s.string(),
  reason: s.nullable(s.string()),
  grantRoot: s.nullable(s.string()),
  /** When the request was made (Unix ms). */
  startedAtMs: s.number(),
});
export type FileChangeRequestApprovalParams = s.Infer<typeof FileChangeRequestApprovalParams>;

export const FileChangeApprovalDecision = s.enumOf(["accept", "acceptForSession", "decline", "cancel"]);
export const FileChangeRequestApprovalResponse = s.object({ decision: FileChangeApprovalDecision });

// Sent once a server → client request about a thread is answered or withdrawn (turn interrupted).
export const ServerRequestResolvedNotification = s.object({ threadId: s.string(), requestId: s.union([s.string(), s.integer()]) });
export type ServerRequestResolvedNotification = s.Infer<typeof ServerRequestResolvedNotification>;
