// v1 methods over stored conversations: listConversations, getConversationSummary,
// resumeConversation, forkConversation, archiveConversation.
import type { ConfigSource } from "../../config/load.js";
import type {
  ArchiveConversationParams,
  ForkConversationParams,
  GetConversationSummaryParams,
  ListConversationsParams,
  ResumeConversationParams,
  ResumeConversationResult,
} from "../../protocol/v1/history.js";
import { archiveRollout } from "../../rollout/archive.js";
import { findRolloutPath, listConversations as listRollouts } from "../../rollout/listing.js";
import { readRollout, summarizeHead } from "../../rollout/reader.js";
import { RolloutError, type ConversationSummary } from "../../rollout/types.js";
import { RolloutWriter } from "../../rollout/writer.js";
import { rpcErrors } from "../../rpc/errors.js";
import { uuidv7 } from "../../core/uuid.js";
import { originator } from "../../originator.js";
import { APP_VERSION } from "../../version.js";
import { withConfig, type V1Deps } from "./conversation-handlers.js";

export interface HistoryDeps extends V1Deps {
  config: ConfigSource;
  notify(method: string, params: unknown): void;
}

async function rolloutCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RolloutError) throw rpcErrors.invalidRequest(error.message);
    throw error;
  }
}

export function listConversations(deps: HistoryDeps, params: ListConversationsParams) {
  return rolloutCall(() =>
    listRollouts(deps.config.home, {
      ...(params.pageSize !== undefined ? { pageSize: params.pageSize } : {}),
      cursor: params.cursor ?? null,
      modelProviders: params.modelProviders ?? null,
      // The reference lists only sessions started by a CLI or an IDE.
      sources: ["cli", "vscode"],
    }),
  );
}

async function pathFor(deps: HistoryDeps, ids: { path?: string; conversationId?: string }): Promise<string> {
  if (ids.path) return ids.path;
  if (ids.conversationId) {
    const live = deps.manager.get(ids.conversationId);
    if (live) return live.rolloutPath;
    const found = await findRolloutPath(deps.config.home, ids.conversationId);
    if (found) return found;
    throw rpcErrors.invalidRequest(`no rollout found for conversation id ${ids.conversationId}`);
  }
  throw rpcErrors.invalidRequest("either path, conversation id or non empty history must be provided");
}

export async function getConversationSummary(deps: HistoryDeps, params: GetConversationSummaryParams): Promise<{ summary: ConversationSummary }> {
  const path = "rolloutPath" in params ? params.rolloutPath : await pathFor(deps, { conversationId: params.conversationId });
  await deps.manager.get("conversationId" in params ? params.conversationId : "")?.writer.flush();
  return rolloutCall(async () => {
    const summary = await summarizeHead(path);
    if (!summary) throw rpcErrors.invalidRequest(`rollout at ${path} has no user message yet`);
    return { summary };
  });
}

export async function resumeConversation(deps: HistoryDeps, params: ResumeConversationParams): Promise<ResumeConversationResult> {
  const path = await pathFor(deps, params);
  await flushLive(deps, path);
  const { conversation, initialMessages } = await withConfig(() => rolloutCall(() => deps.manager.resume(path, params.overrides ?? {})));
  conversation.approver = deps.approver;
  const result = {
    conversationId: conversation.id,
    model: conversation.settings.model,
    initialMessages,
    rolloutPath: conversation.rolloutPath,
  };
  deps.notify("sessionConfigured", sessionConfigured(result, conversation.settings.effort ?? null));
  return result;
}

/** A new conversation with a copy of the old one's history, in a rollout of its own. */
export async function forkConversation(deps: HistoryDeps, params: ForkConversationParams): Promise<ResumeConversationResult> {
  const source = await pathFor(deps, params);
  await flushLive(deps, source);
  const contents = await rolloutCall(() => readRollout(source));
  const id = uuidv7();
  const writer = await RolloutWriter.create(deps.config.home, {
    ...contents.meta,
    id,
    timestamp: new Date().toISOString(),
    originator: originator(),
    cli_version: APP_VERSION,
    forked_from_id: contents.meta.id,
  });
  for (const line of contents.lines) if (line.type !== "session_meta") writer.write(line.type, line.payload);
  await writer.close();
  return resumeConversation(deps, { path: writer.path, ...(params.overrides ? { overrides: params.overrides } : {}) });
}

export async function archiveConversation(deps: HistoryDeps, params: ArchiveConversationParams): Promise<Record<string, never>> {
  // Everything written so far goes with the file; a refused archive leaves the conversation loaded.
  await deps.manager.get(params.conversationId)?.writer.flush();
  await rolloutCall(() => archiveRollout(deps.config.home, params.conversationId, params.rolloutPath));
  deps.subscriptions.removeAllFor(params.conversationId);
  await deps.manager.remove(params.conversationId);
  return {};
}

/** A live conversation's queued lines must be on disk before its file is read. */
async function flushLive(deps: HistoryDeps, path: string): Promise<void> {
  for (const conversation of deps.manager.list()) if (conversation.rolloutPath === path) await conversation.writer.flush();
}

function sessionConfigured(result: ResumeConversationResult, effort: string | null) {
  return {
    sessionId: result.conversationId,
    model: result.model,
    reasoningEffort: effort,
    historyLogId: 0,
    historyEntryCount: 0,
    initialMessages: result.initialMessages,
    rolloutPath: result.rolloutPath,
  };
}
