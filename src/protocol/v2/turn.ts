// v2 turns: start, interrupt, and the Turn object.
import { AskForApproval, ReasoningEffort, ReasoningSummary } from "../config.js";
import * as s from "../schema.js";
import { ThreadItem } from "./item.js";
import { SandboxPolicyV2 } from "./sandbox.js";

export const UserInput = s.union([
  s.object({ type: s.literal("text"), text: s.string() }),
  s.object({ type: s.literal("image"), url: s.string() }),
  s.object({ type: s.literal("localImage"), path: s.string() }),
  s.object({ type: s.literal("skill"), name: s.string(), path: s.string() }),
]);
export type UserInput = s.Infer<typeof UserInput>;

/** With the upstream HTTP status where the reference forwards one. */
const WithHttpStatus = s.object({ httpStatusCode: s.nullable(s.integer()) });

/** The kind of a turn's failure (the reference's CodexErrorInfo, camelCase): a bare name or `{ name: { httpStatusCode } }`. */
export const CodexErrorInfo = s.union([
  s.literal("contextWindowExceeded"),
  s.literal("usageLimitExceeded"),
  s.literal("internalServerError"),
  s.literal("unauthorized"),
  s.literal("badRequest"),
  s.literal("other"),
  s.object({ httpConnectionFailed: WithHttpStatus }),
  s.object({ responseStreamDisconnected: WithHttpStatus }),
  s.object({ responseTooManyFailedAttempts: WithHttpStatus }),
]);
export type CodexErrorInfo = s.Infer<typeof CodexErrorInfo>;

export const TurnError = s.object({
  message: s.string(),
  codexErrorInfo: s.nullable(CodexErrorInfo),
  additionalDetails: s.nullable(s.string()),
});
export type TurnError = s.Infer<typeof TurnError>;

export const TurnStatus = s.enumOf(["inProgress", "completed", "interrupted", "failed"]);

export const Turn = s.object({
  id: s.string(),
  items: s.array(ThreadItem),
  status: TurnStatus,
  error: s.nullable(TurnError),
});
export type Turn = s.Infer<typeof Turn>;

export const TurnStartParams = s.object({
  threadId: s.string(),
  input: s.array(UserInput),
  cwd: s.optional(s.string()),
  approvalPolicy: s.optional(AskForApproval),
  sandboxPolicy: s.optional(SandboxPolicyV2),
  model: s.optional(s.string()),
  effort: s.optional(ReasoningEffort),
  summary: s.optional(ReasoningSummary),
  outputSchema: s.optional(s.unknown()),
});
export type TurnStartParams = s.Infer<typeof TurnStartParams>;
export const TurnStartResponse = s.object({ turn: Turn });

export const TurnInterruptParams = s.object({ threadId: s.string(), turnId: s.string() });
export const EmptyResponse = s.object({});

export const TurnStartedNotification = s.object({ threadId: s.string(), turn: Turn });
export const TurnCompletedNotification = s.object({ threadId: s.string(), turn: Turn });
