// v2 turns: start, interrupt, and the Turn object.
import { AskForApproval, ReasoningEffort, ReasoningSummary } from "../config.js";
import * as s from "../schema.js";
import { ThreadItem } from "./item.js";
import { SandboxPolicyV2 } from "./sandbox.js";

/** A span of a text input the client's UI renders specially (kept as sent, not interpreted). */
export const TextElement = s.object({
  byteRange: s.object({ start: s.integer(), end: s.integer() }),
  placeholder: s.optional(s.nullable(s.string())),
});

const ImageDetail = s.enumOf(["auto", "low", "high", "original"]);

export const UserInput = s.union([
  s.object({ type: s.literal("text"), text: s.string(), text_elements: s.optional(s.array(TextElement)) }),
  s.object({ type: s.literal("image"), url: s.string(), detail: s.optional(s.nullable(ImageDetail)) }),
  s.object({ type: s.literal("localImage"), path: s.string(), detail: s.optional(s.nullable(ImageDetail)) }),
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
  /** 0.169's details of a misalignment-policy refusal; never one here. */
  misalignment: s.nullable(s.unknown()),
});
export type TurnError = s.Infer<typeof TurnError>;

export const TurnStatus = s.enumOf(["inProgress", "completed", "interrupted", "failed"]);

/** Whether `items` holds the turn's items ("full") or was left empty on purpose ("notLoaded"). */
export const TurnItemsView = s.enumOf(["notLoaded", "summary", "full"]);

export const Turn = s.object({
  id: s.string(),
  /** The first turn of the chain of work that led here: a turn a client started is its own root. */
  rootTurnId: s.nullable(s.string()),
  items: s.array(ThreadItem),
  itemsView: TurnItemsView,
  status: TurnStatus,
  error: s.nullable(TurnError),
  /** Unix seconds; null when not recorded (turns of older rollouts). */
  startedAt: s.nullable(s.integer()),
  completedAt: s.nullable(s.integer()),
  durationMs: s.nullable(s.integer()),
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
