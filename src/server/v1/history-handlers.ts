// v1 methods over stored conversations: listConversations, getConversationSummary,
// resumeConversation, forkConversation, archiveConversation.
import path from "node:path";
import type { ConfigSource } from "../../config/load.js";
import type { ResponseItem } from "../../model/types.js";
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
import { summarizeHead } from "../../rollout/reader.js";
import { RolloutError, v1Summary, type ConversationSummary } from "../../rollout/types.js";
import { rpcErrors } from "../../rpc/errors.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import { originOf, type V1Deps } from "./conversation-handlers.js";

export interface HistoryDeps extends V1Deps {
  config: ConfigSource;
  notify(method: string, params: unknown): void;
}

export async function listConversations(deps: HistoryDeps, params: ListConversationsParams) {
  // A conversation whose first message was just sent is listed: its lines are on disk first.
  await flushAll(deps);
  const provider = defaultProvider(deps);
  const page = await rolloutCall(() =>
    listRollouts(deps.config.home, {
      ...(params.pageSize !== undefined ? { pageSize: params.pageSize } : {}),
      cursor: params.cursor ?? null,
      // As 0.90 does: no modelProviders lists the configured provider's sessions only; [] lists all.
      modelProviders: params.modelProviders ?? [provider],
      fallbackProvider: provider,
      // The reference lists only sessions started by a CLI or an IDE.
      sources: ["cli", "vscode"],
    }),
  );
  return { items: page.items.map(v1Summary), nextCursor: page.nextCursor };
}

async function pathFor(deps: HistoryDeps, ids: { path?: string; conversationId?: string }): Promise<string> {
  // As v2 does (and getConversationSummary's rolloutPath), a relative path is taken from CODEX_HOME.
  if (ids.path) return path.resolve(deps.config.home, ids.path);
  if (ids.conversationId) {
    const known = deps.manager.rolloutPathOf(ids.conversationId);
    if (known) return known;
    const found = await findRolloutPath(deps.config.home, ids.conversationId);
    if (found) return found;
    throw rpcErrors.invalidRequest(`no rollout found for conversation id ${ids.conversationId}`);
  }
  throw rpcErrors.invalidRequest("either path, conversation id or non empty history must be provided");
}

export async function getConversationSummary(deps: HistoryDeps, params: GetConversationSummaryParams): Promise<{ summary: ConversationSummary }> {
  // As the reference does, a relative rolloutPath is taken from CODEX_HOME.
  const file =
    "rolloutPath" in params ? path.resolve(deps.config.home, params.rolloutPath) : await pathFor(deps, { conversationId: params.conversationId });
  await flushLive(deps, file);
  const summary = await summarizeHead(file);
  if (!summary) throw rpcErrors.invalidRequest(`failed to load conversation summary from ${file}: no session metadata or no user message`);
  return { summary: v1Summary(summary.modelProvider === "" ? { ...summary, modelProvider: defaultProvider(deps) } : summary) };
}

export async function resumeConversation(deps: HistoryDeps, params: ResumeConversationParams): Promise<ResumeConversationResult> {
  const history = responseItems(params.history);
  const { conversation, initialMessages } =
    !params.path && !params.conversationId && history.length > 0
      ? // Raw history: a new conversation that starts from it, in a rollout of its own.
        { conversation: await withConfig(() => deps.manager.start({ ...params.overrides, ...originOf(deps) }, history)), initialMessages: [] }
      : await resumeFile(deps, await pathFor(deps, params), params.overrides ?? {});
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

async function resumeFile(deps: HistoryDeps, file: string, overrides: NonNullable<ResumeConversationParams["overrides"]>) {
  await flushLive(deps, file);
  try {
    return await withConfig(() => deps.manager.resume(file, { ...overrides, ...originOf(deps) }));
  } catch (error) {
    if (error instanceof RolloutError) throw rpcErrors.invalidRequest(`failed to load rollout \`${file}\`: ${error.message}`);
    throw error;
  }
}

/** The items of resumeConversation's `history` that can be history at all. */
function responseItems(history: unknown[] | undefined): ResponseItem[] {
  return (history ?? []).filter(
    (item): item is ResponseItem => typeof item === "object" && item !== null && typeof (item as { type?: unknown }).type === "string",
  );
}

/** A new conversation with a copy of the old one's history, in a rollout of its own. */
export async function forkConversation(deps: HistoryDeps, params: ForkConversationParams): Promise<ResumeConversationResult> {
  const source = await pathFor(deps, params);
  await flushLive(deps, source);
  const { conversation } = await withConfig(() => rolloutCall(() => deps.manager.fork(source, { ...params.overrides, ...originOf(deps) })));
  return resumeConversation(deps, { path: conversation.rolloutPath, ...(params.overrides ? { overrides: params.overrides } : {}) });
}

export async function archiveConversation(deps: HistoryDeps, params: ArchiveConversationParams): Promise<Record<string, never>> {
  // Everything written so far goes with the file; a refused archive leaves the conversation loaded.
  await deps.manager.get(params.conversationId)?.writer.flush();
  await rolloutCall(() => archiveRollout(deps.config.home, params.conversationId, params.rolloutPath));
  deps.subscriptions.removeAllFor(params.conversationId);
  await deps.manager.remove(params.conversationId);
  return {};
}

/** The provider of config.toml (and -c) at start-up: the default listing filter. */
function defaultProvider(deps: HistoryDeps): string {
  return deps.config.config.modelProvider.id;
}

/** A live conversation's queued lines must be on disk before its file is read. */
async function flushLive(deps: HistoryDeps, file: string): Promise<void> {
  const wanted = path.resolve(file);
  for (const conversation of deps.manager.list()) if (path.resolve(conversation.rolloutPath) === wanted) await conversation.writer.flush();
}

async function flushAll(deps: HistoryDeps): Promise<void> {
  await Promise.all(deps.manager.list().map((c) => c.writer.flush().catch(() => undefined)));
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
