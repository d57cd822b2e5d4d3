// v2 items and the notifications that stream them.
import * as s from "../schema.js";

const CommandAction = s.union([
  s.object({ type: s.literal("read"), command: s.string(), name: s.string(), path: s.string() }),
  s.object({ type: s.literal("listFiles"), command: s.string(), path: s.nullable(s.string()) }),
  s.object({ type: s.literal("search"), command: s.string(), query: s.nullable(s.string()), path: s.nullable(s.string()) }),
  s.object({ type: s.literal("unknown"), command: s.string() }),
]);

export const PatchChangeKind = s.union([
  s.object({ type: s.literal("add") }),
  s.object({ type: s.literal("delete") }),
  s.object({ type: s.literal("update"), move_path: s.optional(s.nullable(s.string())) }),
]);

/** One file of a patch: `diff` is the added/deleted content, or the unified diff of an update. */
export const FileUpdateChange = s.object({ path: s.string(), kind: PatchChangeKind, diff: s.string() });

export const ThreadItem = s.union([
  s.object({ type: s.literal("userMessage"), id: s.string(), content: s.array(s.record(s.unknown())) }),
  s.object({ type: s.literal("agentMessage"), id: s.string(), text: s.string() }),
  s.object({ type: s.literal("reasoning"), id: s.string(), summary: s.array(s.string()), content: s.array(s.string()) }),
  s.object({
    type: s.literal("commandExecution"),
    id: s.string(),
    command: s.string(),
    cwd: s.string(),
    processId: s.nullable(s.string()),
    status: s.enumOf(["inProgress", "completed", "failed", "declined"]),
    commandActions: s.array(CommandAction),
    aggregatedOutput: s.nullable(s.string()),
    exitCode: s.nullable(s.integer()),
    durationMs: s.nullable(s.integer()),
  }),
  s.object({
    type: s.literal("fileChange"),
    id: s.string(),
    changes: s.array(FileUpdateChange),
    status: s.enumOf(["inProgress", "completed", "failed", "declined"]),
  }),
  s.object({ type: s.literal("enteredReviewMode"), id: s.string(), review: s.string() }),
  s.object({ type: s.literal("exitedReviewMode"), id: s.string(), review: s.string() }),
]);
export type ThreadItem = s.Infer<typeof ThreadItem>;

const scoped = { threadId: s.string(), turnId: s.string() };

export const ItemStartedNotification = s.object({ ...scoped, item: ThreadItem });
export const ItemCompletedNotification = s.object({ ...scoped, item: ThreadItem });
export const AgentMessageDeltaNotification = s.object({ ...scoped, itemId: s.string(), delta: s.string() });
export const ReasoningSummaryTextDeltaNotification = s.object({ ...scoped, itemId: s.string(), delta: s.string(), summaryIndex: s.integer() });
export const ReasoningSummaryPartAddedNotification = s.object({ ...scoped, itemId: s.string(), summaryIndex: s.integer() });
export const ReasoningTextDeltaNotification = s.object({ ...scoped, itemId: s.string(), delta: s.string(), contentIndex: s.integer() });
export const CommandExecutionOutputDeltaNotification = s.object({ ...scoped, itemId: s.string(), delta: s.string() });
export const FileChangeOutputDeltaNotification = s.object({ ...scoped, itemId: s.string(), delta: s.string() });
/** The turn's aggregated unified diff, after each patch that changed files. */
export const TurnDiffUpdatedNotification = s.object({ ...scoped, diff: s.string() });
export const TurnPlanUpdatedNotification = s.object({
  ...scoped,
  explanation: s.nullable(s.string()),
  plan: s.array(s.object({ step: s.string(), status: s.enumOf(["pending", "inProgress", "completed"]) })),
});

const TokenUsageBreakdown = s.object({
  totalTokens: s.integer(),
  inputTokens: s.integer(),
  cachedInputTokens: s.integer(),
  outputTokens: s.integer(),
  reasoningOutputTokens: s.integer(),
});
export const ThreadTokenUsageUpdatedNotification = s.object({
  ...scoped,
  tokenUsage: s.object({ total: TokenUsageBreakdown, last: TokenUsageBreakdown, modelContextWindow: s.nullable(s.integer()) }),
});

export const ErrorNotification = s.object({
  ...scoped,
  error: s.object({ message: s.string(), codexErrorInfo: s.nullable(s.unknown()), additionalDetails: s.nullable(s.string()) }),
  willRetry: s.boolean(),
});
