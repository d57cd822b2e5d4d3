// v2 threads: start, resume, fork, archive, unarchive, name/set, list, read, loaded/list.
import { AskForApproval, ReasoningEffort, SandboxMode } from "../config.js";
import * as s from "../schema.js";
import { SandboxPolicyV2 } from "./sandbox.js";
import { Turn } from "./turn.js";

export const GitInfo = s.object({ sha: s.nullable(s.string()), branch: s.nullable(s.string()), originUrl: s.nullable(s.string()) });

export const ThreadActiveFlag = s.enumOf(["waitingOnApproval", "waitingOnUserInput"]);

/** notLoaded: only on disk; idle: loaded, no turn running; active: a turn runs. */
export const ThreadStatus = s.union([
  s.object({ type: s.literal("notLoaded") }),
  s.object({ type: s.literal("idle") }),
  s.object({ type: s.literal("systemError") }),
  s.object({ type: s.literal("active"), activeFlags: s.array(ThreadActiveFlag) }),
]);
export type ThreadStatus = s.Infer<typeof ThreadStatus>;

export const Thread = s.object({
  id: s.string(),
  /** Threads of one session tree share it; every thread here is the root of its own. */
  sessionId: s.string(),
  /** The thread this one was forked from. */
  forkedFromId: s.nullable(s.string()),
  /** Set for sub-agent threads, which this server does not spawn. */
  parentThreadId: s.nullable(s.string()),
  preview: s.string(),
  /** Kept in memory only, without a rollout. */
  ephemeral: s.boolean(),
  // Sections, projects and paginated history are 0.169 features this server does not have.
  section: s.nullable(s.unknown()),
  sectionEnteredAt: s.nullable(s.integer()),
  projectId: s.nullable(s.string()),
  historyMode: s.enumOf(["legacy", "paginated"]),
  modelProvider: s.string(),
  /** The configured model while loaded; null for a thread read from disk. */
  model: s.nullable(s.string()),
  reasoningEffort: s.nullable(ReasoningEffort),
  createdAt: s.integer(),
  updatedAt: s.integer(),
  /** What thread/list orders recent threads by: the last update. */
  recencyAt: s.nullable(s.integer()),
  status: ThreadStatus,
  /** The rollout file; null for an ephemeral thread. */
  path: s.nullable(s.string()),
  cwd: s.string(),
  cliVersion: s.string(),
  source: s.string(),
  threadSource: s.nullable(s.string()),
  /** The client (originator) that started the thread. */
  originator: s.nullable(s.string()),
  agentNickname: s.nullable(s.string()),
  agentRole: s.nullable(s.string()),
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

const threadResponse = {
  thread: Thread,
  model: s.string(),
  modelProvider: s.string(),
  serviceTier: s.nullable(s.string()),
  cwd: s.string(),
  approvalPolicy: AskForApproval,
  /** Who answers approval requests: always the user (no reviewer agent here). */
  approvalsReviewer: s.enumOf(["user", "auto_review", "guardian_subagent"]),
  sandbox: SandboxPolicyV2,
  reasoningEffort: s.nullable(ReasoningEffort),
  /** The instruction files loaded for the thread: none, this server reads no AGENTS.md. */
  instructionSources: s.array(s.string()),
  /** No plugins here. */
  disabledPluginIds: s.array(s.string()),
};

/** thread/start and thread/fork. */
export const ThreadResponse = s.object(threadResponse);
export type ThreadResponse = s.Infer<typeof ThreadResponse>;

/** thread/resume: the whole history is in `thread.turns`, so there is nothing to page back to. */
export const ThreadResumeResponse = s.object({
  ...threadResponse,
  collaborationMode: s.nullable(s.unknown()),
  turnsBackwardsCursor: s.nullable(s.string()),
  itemsBackwardsCursor: s.nullable(s.string()),
});
export type ThreadResumeResponse = s.Infer<typeof ThreadResumeResponse>;

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
export const ThreadArchivedNotification = s.object({ threadId: s.string() });

export const ThreadListParams = s.object({
  cursor: s.optional(s.string()),
  limit: s.optional(s.integer()),
  sortKey: s.optional(s.enumOf(["created_at", "updated_at"])),
  modelProviders: s.optional(s.array(s.string())),
  archived: s.optional(s.boolean()),
});
export type ThreadListParams = s.Infer<typeof ThreadListParams>;
export const ThreadListResponse = s.object({ data: s.array(Thread), nextCursor: s.nullable(s.string()), backwardsCursor: s.nullable(s.string()) });

export const ThreadReadParams = s.object({ threadId: s.string(), includeTurns: s.optional(s.boolean()) });
export const ThreadReadResponse = s.object({ thread: Thread });

export const ThreadLoadedListParams = s.object({ cursor: s.optional(s.string()), limit: s.optional(s.integer()) });
export const ThreadLoadedListResponse = s.object({ data: s.array(s.string()), nextCursor: s.nullable(s.string()) });

export const ThreadStartedNotification = s.object({ thread: Thread });

/** Compacts the thread's history now, as a turn of its own; answers at once. */
export const ThreadCompactStartParams = s.object({ threadId: s.string() });
export const ThreadCompactStartResponse = s.object({});
/**
 * Runs the user's own shell string (not the model's) in the thread's shell and cwd, unsandboxed,
 * as a turn of its own (or inside the running one); answers at once. timeoutMs: default one hour, 0 = at once.
 */
export const ThreadShellCommandParams = s.object({ threadId: s.string(), command: s.string(), timeoutMs: s.optional(s.nullable(s.integer())) });
export type ThreadShellCommandParams = s.Infer<typeof ThreadShellCommandParams>;
export const ThreadShellCommandResponse = s.object({});
/** Deprecated in 0.169 (the contextCompaction item says the same), kept for 0.90's clients. */
export const ContextCompactedNotification = s.object({ threadId: s.string(), turnId: s.string() });
