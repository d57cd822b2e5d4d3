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

/** When an item started and completed (Unix ms), on every item; null when not recorded. */
export const itemTimes = { startedAtMs: s.nullable(s.integer()), completedAtMs: s.nullable(s.integer()) };

export const ThreadItem = s.union([
  s.object({ type: s.literal("userMessage"), id: s.string(), clientId: s.nullable(s.string()), content: s.array(s.record(s.unknown())), ...itemTimes }),
  s.object({
    type: s.literal("agentMessage"),
    id: s.string(),
    text: s.string(),
    // 0.169's fields for features this server has no part of (phases, memory, moderation…): null.
    phase: s.nullable(s.string()),
    memoryCitation: s.nullable(s.unknown()),
    moderation: s.nullable(s.unknown()),
    delivery: s.nullable(s.unknown()),
    questions: s.nullable(s.array(s.unknown())),
    ...itemTimes,
  }),
  s.object({ type: s.literal("reasoning"), id: s.string(), summary: s.array(s.string()), content: s.array(s.string()), ...itemTimes }),
  s.object({
    type: s.literal("commandExecution"),
    id: s.string(),
    /** A command the model ran ("agent"); plugins' scripts are not a thing here, so no pluginId/scriptPath. */
    source: s.enumOf(["agent", "userShell", "unifiedExecStartup", "unifiedExecInteraction"]),
    pluginId: s.nullable(s.string()),
    scriptPath: s.nullable(s.string()),
    command: s.string(),
    cwd: s.string(),
    processId: s.nullable(s.string()),
    status: s.enumOf(["inProgress", "completed", "failed", "declined"]),
    commandActions: s.array(CommandAction),
    aggregatedOutput: s.nullable(s.string()),
    exitCode: s.nullable(s.integer()),
    durationMs: s.nullable(s.integer()),
    ...itemTimes,
  }),
  s.object({
    type: s.literal("fileChange"),
    id: s.string(),
    changes: s.array(FileUpdateChange),
    status: s.enumOf(["inProgress", "completed", "failed", "declined"]),
    ...itemTimes,
  }),
  s.object({ type: s.literal("contextCompaction"), id: s.string(), ...itemTimes }),
  s.object({
    type: s.literal("mcpToolCall"),
    id: s.string(),
    server: s.string(),
    tool: s.string(),
    status: s.enumOf(["inProgress", "completed", "failed"]),
    arguments: s.unknown(),
    result: s.nullable(s.object({ content: s.array(s.unknown()), structuredContent: s.unknown() })),
    error: s.nullable(s.object({ message: s.string() })),
    durationMs: s.nullable(s.integer()),
    appContext: s.nullable(s.record(s.unknown())),
    mcpAppResourceUri: s.nullable(s.string()),
    mcpAppUi: s.nullable(s.record(s.unknown())),
    pluginId: s.nullable(s.string()),
    readOnlyHint: s.nullable(s.boolean()),
    startedAtMs: s.nullable(s.integer()),
    completedAtMs: s.nullable(s.integer()),
  }),
  s.object({ type: s.literal("enteredReviewMode"), id: s.string(), review: s.string(), ...itemTimes }),
  s.object({ type: s.literal("exitedReviewMode"), id: s.string(), review: s.string(), ...itemTimes }),
]);
export type ThreadItem = s.Infer<typeof ThreadItem>;

const scoped = { threadId: s.string(), turnId: s.string() };

export const ItemStartedNotification = s.object({ ...scoped, item: ThreadItem, startedAtMs: s.integer() });
export const ItemCompletedNotification = s.object({
  ...scoped,
  item: ThreadItem,
  completedAtMs: s.integer(),
  /** 0.169 counts an item's tokens for some items; not counted here. */
  contentTokenCount: s.nullable(s.integer()),
});
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
  /** Tokens written to the provider's prompt cache; none reported by the wires we speak. */
  cacheWriteInputTokens: s.integer(),
});
export const ThreadTokenUsageUpdatedNotification = s.object({
  ...scoped,
  tokenUsage: s.object({ total: TokenUsageBreakdown, last: TokenUsageBreakdown, modelContextWindow: s.nullable(s.integer()) }),
});

export const ErrorNotification = s.object({
  ...scoped,
  error: s.object({
    message: s.string(),
    codexErrorInfo: s.nullable(s.unknown()),
    additionalDetails: s.nullable(s.string()),
    misalignment: s.nullable(s.unknown()),
  }),
  willRetry: s.boolean(),
});
