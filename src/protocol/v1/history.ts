// v1 methods over stored conversations: list, summarize, resume, fork, archive.
import * as s from "../schema.js";
import { ConversationId, NewConversationParams } from "./common.js";

// origin_url is snake_case in 0.90's v1 ConversationGitInfo (generate-ts and the wire agree).
export const GitInfo = s.object({ sha: s.nullable(s.string()), branch: s.nullable(s.string()), origin_url: s.nullable(s.string()) });

export const ConversationSummary = s.object({
  conversationId: ConversationId,
  path: s.string(),
  preview: s.string(),
  timestamp: s.nullable(s.string()),
  updatedAt: s.nullable(s.string()),
  modelProvider: s.string(),
  cwd: s.string(),
  cliVersion: s.string(),
  source: s.string(),
  gitInfo: s.nullable(GitInfo),
});

export const ListConversationsParams = s.object({
  pageSize: s.optional(s.integer()),
  cursor: s.optional(s.string()),
  modelProviders: s.optional(s.array(s.string())),
});
export type ListConversationsParams = s.Infer<typeof ListConversationsParams>;
export const ListConversationsResult = s.object({ items: s.array(ConversationSummary), nextCursor: s.nullable(s.string()) });

export const GetConversationSummaryParams = s.union([
  s.object({ conversationId: ConversationId }),
  s.object({ rolloutPath: s.string() }),
]);
export type GetConversationSummaryParams = s.Infer<typeof GetConversationSummaryParams>;
export const GetConversationSummaryResult = s.object({ summary: ConversationSummary });

export const ResumeConversationParams = s.object({
  path: s.optional(s.string()),
  conversationId: s.optional(ConversationId),
  history: s.optional(s.array(s.unknown())),
  overrides: s.optional(NewConversationParams),
});
export type ResumeConversationParams = s.Infer<typeof ResumeConversationParams>;
export const ResumeConversationResult = s.object({
  conversationId: ConversationId,
  model: s.string(),
  initialMessages: s.nullable(s.array(s.unknown())),
  rolloutPath: s.string(),
});
export type ResumeConversationResult = s.Infer<typeof ResumeConversationResult>;

export const ForkConversationParams = s.object({
  path: s.optional(s.string()),
  conversationId: s.optional(ConversationId),
  overrides: s.optional(NewConversationParams),
});
export type ForkConversationParams = s.Infer<typeof ForkConversationParams>;

export const ArchiveConversationParams = s.object({ conversationId: ConversationId, rolloutPath: s.string() });
export type ArchiveConversationParams = s.Infer<typeof ArchiveConversationParams>;

/** v1 notification sent on resume and fork. */
export const SessionConfiguredNotification = s.object({
  sessionId: ConversationId,
  model: s.string(),
  reasoningEffort: s.nullable(s.string()),
  historyLogId: s.integer(),
  historyEntryCount: s.integer(),
  initialMessages: s.nullable(s.array(s.unknown())),
  rolloutPath: s.string(),
});
