// v2 thread lifecycle methods: thread/unsubscribe, thread/delete, thread/rollback,
// thread/turns/list, thread/items/list. Thin adapters onto core/ and rollout/.
import type { ThreadItemsListParams, ThreadTurnsListParams } from "../../protocol/v2/thread-lifecycle.js";
import { deleteRollout } from "../../rollout/delete.js";
import { readRollout } from "../../rollout/reader.js";
import { rolledBackLine } from "../../rollout/rollback.js";
import { historyFromRollout } from "../../core/compaction.js";
import { rpcErrors } from "../../rpc/errors.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import { itemEntries, page } from "./history-pages.js";
import { rolloutPathFor, threadRead, turnsOfRollout, type ThreadHandlerDeps } from "./thread-handlers.js";

export function threadUnsubscribe(deps: ThreadHandlerDeps, params: { threadId: string }) {
  return { status: deps.threads.unsubscribe(params.threadId) };
}

/** Unloads the thread if loaded (its turn stopped, its rollout closed), then removes its files. */
export async function threadDelete(deps: ThreadHandlerDeps, params: { threadId: string }) {
  const live = deps.manager.get(params.threadId);
  if (live?.rolloutPath === "") {
    // An ephemeral thread has nothing stored: unloading it is all there is to delete.
    await deps.manager.remove(params.threadId);
  } else {
    if (live) await deps.manager.remove(params.threadId);
    await rolloutCall(() => deleteRollout(deps.config.home, params.threadId));
  }
  deps.threads.forget(params.threadId);
  // After the reply, as the reference orders them.
  setImmediate(() => deps.notify("thread/deleted", { threadId: params.threadId }));
  return {};
}

export async function threadRollback(deps: ThreadHandlerDeps, params: { threadId: string; numTurns: number }) {
  if (params.numTurns < 1) throw rpcErrors.invalidParams("numTurns", "must be >= 1");
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  if (conversation.rolloutPath === "") throw rpcErrors.invalidRequest("an ephemeral thread cannot be rolled back");
  if (!conversation.idle) throw rpcErrors.invalidRequest("cannot roll back while a turn is in progress");
  // The marker is the record: the replay (this history now, any resume later) drops the turns.
  conversation.writer.write("event_msg", rolledBackLine(params.numTurns));
  await conversation.writer.flush();
  const contents = await rolloutCall(() => readRollout(conversation.rolloutPath));
  // Compactions the kept turns ran still stand: the history is replayed as resume replays it.
  conversation.replaceHistory(historyFromRollout(contents.lines));
  return threadRead(deps, { threadId: params.threadId, includeTurns: true });
}

async function turnsOf(deps: ThreadHandlerDeps, threadId: string) {
  const live = deps.manager.get(threadId);
  if (live?.rolloutPath === "") throw rpcErrors.invalidRequest("an ephemeral thread keeps no history to list");
  return (await turnsOfRollout(await rolloutPathFor(deps, { threadId }))).turns;
}

export async function threadTurnsList(deps: ThreadHandlerDeps, params: ThreadTurnsListParams) {
  const turns = await turnsOf(deps, params.threadId);
  const shown = params.itemsView === "notLoaded" ? turns.map((t) => ({ ...t, items: [] })) : turns;
  return page("turn", shown, params.sortDirection ?? "desc", params.limit ?? 25, params.cursor);
}

export async function threadItemsList(deps: ThreadHandlerDeps, params: ThreadItemsListParams) {
  const turns = await turnsOf(deps, params.threadId);
  const direction = params.sortDirection ?? "asc";
  let scope = turns;
  if (params.turnId) {
    scope = turns.filter((t) => t.id === params.turnId);
    if (scope.length === 0) throw rpcErrors.invalidRequest(`turn not found: ${params.turnId}`);
  }
  const entries = itemEntries(scope);
  const cursor = params.cursor;
  if (cursor && typeof cursor === "object") {
    // An item anchor: the items after it (ascending) or before it (descending), itself excluded.
    if (!params.turnId) throw rpcErrors.invalidParams("cursor", "an item anchor needs turnId");
    const at = entries.findIndex((e) => e.item.id === cursor.itemId);
    if (at < 0) throw rpcErrors.invalidRequest(`item not found: ${cursor.itemId}`);
    return page("item", entries, direction, params.limit ?? 50, null, direction === "asc" ? at + 1 : at);
  }
  return page("item", entries, direction, params.limit ?? 50, cursor);
}
