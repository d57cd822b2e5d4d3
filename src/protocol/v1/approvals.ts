// v1 server → client approval requests.
import * as s from "../schema.js";

export const ParsedCommand = s.union([
  s.object({ type: s.literal("read"), cmd: s.string(), name: s.string(), path: s.string() }),
  s.object({ type: s.literal("list_files"), cmd: s.string(), path: s.nullable(s.string()) }),
  s.object({ type: s.literal("search"), cmd: s.string(), query: s.nullable(s.string()), path: s.nullable(s.string()) }),
  s.object({ type: s.literal("unknown"), cmd: s.string() }),
]);

export const ExecCommandApprovalParams = s.object({
  conversationId: s.string(),
  callId: s.string(),
  command: s.array(s.string()),
  cwd: s.string(),
  reason: s.nullable(s.string()),
  parsedCmd: s.array(ParsedCommand),
});
export type ExecCommandApprovalParams = s.Infer<typeof ExecCommandApprovalParams>;

export const FileChange = s.union([
  s.object({ type: s.literal("add"), content: s.string() }),
  s.object({ type: s.literal("delete"), content: s.string() }),
  s.object({ type: s.literal("update"), unified_diff: s.string(), move_path: s.nullable(s.string()) }),
]);

export const ApplyPatchApprovalParams = s.object({
  conversationId: s.string(),
  callId: s.string(),
  fileChanges: s.record(FileChange),
  reason: s.nullable(s.string()),
  grantRoot: s.nullable(s.string()),
});
export type ApplyPatchApprovalParams = s.Infer<typeof ApplyPatchApprovalParams>;

export const ReviewDecision = s.enumOf(["approved", "approved_for_session", "denied", "abort"]);
export type ReviewDecision = s.Infer<typeof ReviewDecision>;

export const ExecCommandApprovalResponse = s.object({ decision: ReviewDecision });
export const ApplyPatchApprovalResponse = s.object({ decision: ReviewDecision });
