// v2 thread methods: thread/start, thread/resume, thread/fork, thread/archive, thread/unarchive, thread/name/set, thread/list,
// thread/read, thread/loaded/list. Thin adapters onto core/ and rollout/.
import path from "node:path";
import type { Conversation } from "../../core/conversation.js";
import type { StartOptions } from "../../core/conversation-manager.js";
import type { ThreadForkParams, ThreadListParams, ThreadResumeParams, ThreadStartParams } from "../../protocol/v2/thread.js";
import { archiveRollout, unarchiveRollout } from "../../rollout/archive.js";
import { findRolloutPath, listConversations } from "../../rollout/listing.js";
import { readRollout, summarizeHead } from "../../rollout/reader.js";
import { appendThreadName, readThreadNames } from "../../rollout/session-index.js";
import { rpcErrors } from "../../rpc/errors.js";
import type { RequestContext } from "../../rpc/router.js";
import { sandboxPolicyToV2 } from "../../sandbox/policy.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import { buildTurns, threadFromConversation, threadFromSummary, type ThreadView, type TurnView } from "./thread-view.js";
import type { V2Deps, V2Threads } from "./threads.js";
import { originOf } from "../v1/conversation-handlers.js";

export interface ThreadHandlerDeps extends V2Deps {
  threads: V2Threads;
}

function response(conversation: Conversation, thread: ThreadView) {
  const s = conversation.settings;
  return {
    thread,
    model: s.model,
    modelProvider: conversation.meta.model_provider,
    cwd: s.cwd,
    approvalPolicy: s.approvalPolicy,
    sandbox: sandboxPolicyToV2(s.sandboxPolicy),
    reasoningEffort: s.effort ?? null,
    serviceTier: null,
    approvalsReviewer: "user" as const,
    instructionSources: [],
    disabledPluginIds: [],
  };
}

function startOptions(p: ThreadStartParams | ThreadResumeParams): StartOptions {
  const { model, modelProvider, cwd, approvalPolicy, sandbox, config, baseInstructions, developerInstructions } = p;
  return Object.fromEntries(
    Object.entries({ model, modelProvider, cwd, approvalPolicy, sandbox, config, baseInstructions, developerInstructions }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as StartOptions;
}

/** Threads carry the name session_index.jsonl holds for them (null when never named). */
async function named<T extends { id: string; name: string | null }>(deps: ThreadHandlerDeps, threads: T[]): Promise<T[]> {
  const names = await rolloutCall(() => readThreadNames(deps.config.home));
  for (const t of threads) t.name = names.get(t.id.toLowerCase()) ?? null;
  return threads;
}

export async function threadStart(deps: ThreadHandlerDeps, params: ThreadStartParams, ctx: Pick<RequestContext, "afterReply">) {
  const conversation = await withConfig(() =>
    deps.manager.start({ ...startOptions(params), ...(params.ephemeral ? { ephemeral: true } : {}), ...originOf(deps) }),
  );
  deps.threads.attach(conversation);
  const result = response(conversation, threadFromConversation(conversation, ""));
  // The client learns the thread from the reply first.
  ctx.afterReply(() => deps.broadcast("thread/started", { thread: result.thread }));
  return result;
}

/** The rollout of a thread: live, unloaded by this process, or found in sessions/. */
export function rolloutPathFor(deps: ThreadHandlerDeps, ids: { threadId?: string; path?: string }): Promise<string> {
  return pathFor(deps, ids);
}

async function pathFor(deps: ThreadHandlerDeps, ids: { threadId?: string; path?: string }): Promise<string> {
  if (ids.path) return path.resolve(deps.config.home, ids.path);
  if (!ids.threadId) throw rpcErrors.invalidRequest("either threadId or path must be provided");
  const live = deps.manager.get(ids.threadId);
  if (live) {
    await live.writer.flush();
    return live.rolloutPath;
  }
  const unloaded = deps.manager.rolloutPathOf(ids.threadId);
  if (unloaded) return unloaded;
  const found = await findRolloutPath(deps.config.home, ids.threadId);
  if (!found) throw rpcErrors.invalidRequest(`no rollout found for thread id ${ids.threadId}`);
  return found;
}

/** A rollout's turns (rollbacks applied) and the preview its first turn gives. */
export function turnsOfRollout(file: string): Promise<{ turns: TurnView[]; preview: string }> {
  return turnsOf(file);
}

async function turnsOf(file: string): Promise<{ turns: TurnView[]; preview: string }> {
  const contents = await rolloutCall(() => readRollout(file));
  const turns = buildTurns(contents.lines);
  const first = turns[0]?.items[0] as { content?: { text?: string }[] } | undefined;
  return { turns, preview: first?.content?.[0]?.text ?? "" };
}

export async function threadResume(deps: ThreadHandlerDeps, params: ThreadResumeParams) {
  const file = await pathFor(deps, params);
  const { conversation } = await withConfig(() => rolloutCall(() => deps.manager.resume(file, { ...startOptions(params), ...originOf(deps) })));
  deps.threads.attach(conversation);
  const { turns, preview } = await turnsOf(file);
  const [thread] = await named(deps, [threadFromConversation(conversation, preview, turns)]);
  // Every turn is in `thread.turns`: nothing to page back to.
  return { ...response(conversation, thread!), collaborationMode: null, turnsBackwardsCursor: null, itemsBackwardsCursor: null };
}

export async function threadFork(deps: ThreadHandlerDeps, params: ThreadForkParams, ctx: Pick<RequestContext, "afterReply">) {
  const file = await pathFor(deps, params);
  const { conversation } = await withConfig(() => rolloutCall(() => deps.manager.fork(file, { ...startOptions(params), ...originOf(deps) })));
  deps.threads.attach(conversation);
  const { turns, preview } = await turnsOf(conversation.rolloutPath);
  const result = response(conversation, threadFromConversation(conversation, preview, turns));
  ctx.afterReply(() => deps.broadcast("thread/started", { thread: result.thread }));
  return result;
}

// As 0.169: thread/archived and thread/unarchived go to every v2 client, after the reply.
export async function threadArchive(deps: ThreadHandlerDeps, params: { threadId: string }, ctx: Pick<RequestContext, "afterReply">) {
  const file = await pathFor(deps, params);
  await rolloutCall(() => archiveRollout(deps.config.home, params.threadId, file));
  deps.threads.forget(params.threadId);
  await deps.manager.remove(params.threadId);
  ctx.afterReply(() => deps.broadcast("thread/archived", { threadId: params.threadId }));
  return {};
}

export async function threadUnarchive(deps: ThreadHandlerDeps, params: { threadId: string }, ctx: Pick<RequestContext, "afterReply">) {
  const restored = await rolloutCall(() => unarchiveRollout(deps.config.home, params.threadId));
  const summary = await rolloutCall(() => summarizeHead(restored));
  if (!summary) throw rpcErrors.invalidRequest(`rollout at ${restored} has no session metadata`);
  ctx.afterReply(() => deps.broadcast("thread/unarchived", { threadId: params.threadId }));
  return { thread: (await named(deps, [threadFromSummary(summary)]))[0]! };
}

export async function threadSetName(deps: ThreadHandlerDeps, params: { threadId: string; name: string }) {
  const name = params.name.trim();
  if (!name) throw rpcErrors.invalidRequest("thread name must not be empty");
  const live = deps.manager.get(params.threadId);
  // Only a thread that exists gets a name; pathFor refuses unknown ids as thread/resume does.
  if (!live) await pathFor(deps, { threadId: params.threadId });
  await rolloutCall(() => appendThreadName(deps.config.home, params.threadId, name));
  deps.broadcast("thread/name/updated", { threadId: params.threadId, threadName: name });
  return {};
}

export async function threadList(deps: ThreadHandlerDeps, params: ThreadListParams) {
  for (const conversation of deps.manager.list()) await conversation.writer.flush();
  const limit = Math.max(params.limit ?? 25, 1);
  const filter = {
    modelProviders: params.modelProviders ?? null,
    archived: params.archived ?? false,
    sources: ["cli", "vscode"],
  };
  if (params.sortKey === "updated_at") return listByUpdate(deps, filter, limit, params.cursor);
  const page = await rolloutCall(() => listConversations(deps.config.home, { ...filter, pageSize: limit, cursor: params.cursor ?? null }));
  const data = page.items.map((s) => threadFromSummary(s, deps.manager.get(s.conversationId)));
  return { data: await named(deps, data), nextCursor: page.nextCursor, backwardsCursor: null };
}

const UPDATED_CURSOR = /^updated:(\d+):(.+)$/;

/** Newest activity first. Files are named by creation time, so this order needs every summary. */
async function listByUpdate(deps: ThreadHandlerDeps, filter: Parameters<typeof listConversations>[1], limit: number, cursor?: string) {
  const all = await rolloutCall(() => listConversations(deps.config.home, { ...filter, pageSize: Number.MAX_SAFE_INTEGER, cursor: null }));
  const sorted = all.items.map((s) => threadFromSummary(s, deps.manager.get(s.conversationId))).sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
  let start = 0;
  if (cursor) {
    const match = UPDATED_CURSOR.exec(cursor);
    if (!match) throw rpcErrors.invalidRequest(`invalid cursor: ${cursor}`);
    const [, at, id] = match;
    start = sorted.findIndex((t) => t.updatedAt < Number(at) || (t.updatedAt === Number(at) && t.id < id!));
    if (start < 0) start = sorted.length;
  }
  const data = await named(deps, sorted.slice(start, start + limit));
  const last = data.at(-1);
  const more = start + limit < sorted.length;
  return { data, nextCursor: more && last ? `updated:${last.updatedAt}:${last.id}` : null, backwardsCursor: null };
}

export async function threadRead(deps: ThreadHandlerDeps, params: { threadId: string; includeTurns?: boolean }) {
  const live = deps.manager.get(params.threadId);
  // An ephemeral thread has no rollout to read.
  if (live && live.rolloutPath === "") return { thread: threadFromConversation(live, "") };
  const file = await pathFor(deps, params);
  const summary = await rolloutCall(() => summarizeHead(file));
  const base = summary ? threadFromSummary(summary, live) : live ? threadFromConversation(live, "") : undefined;
  if (!base) throw rpcErrors.invalidRequest(`no rollout found for thread id ${params.threadId}`);
  if (params.includeTurns) base.turns = (await turnsOf(file)).turns;
  await named(deps, [base]);
  return { thread: base };
}

export function threadLoadedList(deps: ThreadHandlerDeps) {
  return { data: deps.manager.list().map((c) => c.id), nextCursor: null };
}
