// v2 threads: start, resume, fork, archive, unarchive, name/set, list, read, loaded/list.
import { AskForApproval, ReasoningEffort, SandboxMode } from "../config.js";
import * as s from "../schema.js";
import { SandboxPolicyV2 } from "./sandbox.js";
import { Turn } from "./turn.js";

export const GitInfo = s.object({ sha: s.nullable(s.string()), branch: s.nullable(s.string()), originUrl: s.nullable(s.string()) });

export const Thread = s.object({
  id: s.string(),
  preview: s.string(),
  modelProvider: s.string(),
  createdAt: s.integer(),
  updatedAt: s.integer(),
  path: s.string(),
  cwd: s.string(),
  cliVersion: s.string(),
  source: s.string(),
  gitInfo: s.nullable(GitInfo),
  name: s.nullable(s.string()),
  turns: s.array(Turn),
});
export type Thread = s.Infer<typeof Thread>;


const threadSettings = {
  model: s.optional(s.string()),
  modelProvider: s.optional(s.string()),
  cwd: s.optional(s.string()),
  approvalPolicy: s.optional(AskForApproval),
  sandbox: s.optional(SandboxMode),
  config: s.optional(s.record(s.unknown())),
  baseInstructions: s.optional(s.string()),
  developerInstructions: s.optional(s.string()),
};

export const ThreadStartParams = s.object({ ...threadSettings, ephemeral: s.optional(s.boolean()), experimentalRawEvents: s.optional(s.boolean()) });
export type ThreadStartParams = s.Infer<typeof ThreadStartParams>;

export const ThreadResponse = s.object({
  thread: Thread,
  model: s.string(),
  modelProvider: s.string(),
  cwd: s.string(),
  approvalPolicy: AskForApproval,
  sandbox: SandboxPolicyV2,
  reasoningEffort: s.nullable(ReasoningEffort),
});
export type ThreadResponse = s.Infer<typeof ThreadResponse>;

export const ThreadResumeParams = s.object({ threadId: s.optional(s.string()), path: s.optional(s.string()), ...threadSettings });
export type ThreadResumeParams = s.Infer<typeof ThreadResumeParams>;

export const ThreadForkParams = s.object({ threadId: s.optional(s.string()), path: s.optional(s.string()), ...threadSettings });
export type ThreadForkParams = s.Infer<typeof ThreadForkParams>;

export const ThreadArchiveParams = s.object({ threadId: s.string() });

export const ThreadUnarchiveParams = s.object({ threadId: s.string() });
export const ThreadUnarchiveResponse = s.object({ thread: Thread });
export const ThreadSetNameParams = s.object({ threadId: s.string(), name: s.string() });
export const ThreadNameUpdatedNotification = s.object({ threadId: s.string(), threadName: s.nullable(s.string()) });
export const ThreadUnarchivedNotification = s.object({ threadId: s.string() });

export const ThreadListParams = s.object({
  cursor: s.optional(s.string()),
  limit: s.optional(s.integer()),
  sortKey: s.optional(s.enumOf(["created_at", "updated_at"])),
  modelProviders: s.optional(s.array(s.string())),
  archived: s.optional(s.boolean()),
});
export type ThreadListParams = s.Infer<typeof ThreadListParams>;
export const ThreadListResponse = s.object({ data: s.array(Thread), nextCursor: s.nullable(s.string()) });

export const ThreadReadParams = s.object({ threadId: s.string(), includeTurns: s.optional(s.boolean()) });
export const ThreadReadResponse = s.object({ thread: Thread });

export const ThreadLoadedListParams = s.object({ cursor: s.optional(s.string()), limit: s.optional(s.integer()) });
export const ThreadLoadedListResponse = s.object({ data: s.array(s.string()), nextCursor: s.nullable(s.string()) });

export const ThreadStartedNotification = s.object({ thread: Thread });

/** Compacts the thread's history now, as a turn of its own; answers at once. */
export const ThreadCompactStartParams = s.object({ threadId: s.string() });
export const ThreadCompactStartResponse = s.object({});
/** Deprecated in 0.169 (the contextCompaction item says the same), kept for 0.90's clients. */
export const ContextCompactedNotification = s.object({ threadId: s.string(), turnId: s.string() });
