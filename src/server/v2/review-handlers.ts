// review/start: a review turn on the thread (inline) or on a new thread with the same cwd and model
// (detached, reported as reviewThreadId). Answers at once with the in-progress turn, whose one item
// is the request as the client shows it; the turn's items follow as notifications.
import { randomUUID } from "node:crypto";
import { reviewRequest } from "../../core/review/prompts.js";
import type { ReviewStartParams, ReviewStartResponse } from "../../protocol/v2/review.js";
import { rpcErrors } from "../../rpc/errors.js";
import type { RequestContext } from "../../rpc/router.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import { threadStart, type ThreadHandlerDeps } from "./thread-handlers.js";

export async function reviewStart(deps: ThreadHandlerDeps, params: ReviewStartParams, ctx: Pick<RequestContext, "afterReply">): Promise<ReviewStartResponse> {
  if (params.target.type === "custom" && params.target.instructions.trim() === "") throw rpcErrors.invalidParams("target.instructions", "must not be empty");
  if (params.target.type === "baseBranch" && params.target.branch.trim() === "") throw rpcErrors.invalidParams("target.branch", "must not be empty");
  if (params.target.type === "commit" && params.target.sha.trim() === "") throw rpcErrors.invalidParams("target.sha", "must not be empty");
  const parent = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!parent) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  let conversation = parent;
  if (params.delivery === "detached") {
    const started = await threadStart(deps, { cwd: parent.settings.cwd, model: parent.settings.model }, ctx);
    const detached = deps.manager.get(started.thread.id);
    if (!detached) throw rpcErrors.internal();
    conversation = detached;
  }
  deps.threads.attach(conversation);
  deps.threads.ownTurn(conversation.id);
  // What the turn sends goes out after the reply naming it.
  ctx.afterReply(deps.threads.hold(conversation.id));
  const request = await reviewRequest(params.target, conversation.settings.cwd);
  const turnId = conversation.submit({ text: request.prompt, images: [], localImages: [] }, { review: request });
  return {
    turn: {
      id: turnId,
      rootTurnId: turnId,
      items: [
        { type: "userMessage", id: randomUUID(), clientId: null, content: [{ type: "text", text: request.hint, text_elements: [] }], startedAtMs: null, completedAtMs: null },
      ],
      itemsView: "notLoaded",
      status: "inProgress",
      error: null,
      startedAt: null,
      completedAt: null,
      durationMs: null,
    },
    reviewThreadId: conversation.id,
  };
}
