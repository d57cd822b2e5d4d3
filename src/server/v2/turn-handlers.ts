// v2 turn methods: turn/start answers at once with the in-progress turn; turn/interrupt answers
// once the turn has stopped (turn/completed with status interrupted follows); thread/compact/start
// queues a compaction turn and answers at once (its turn/* and item/* notifications follow);
// thread/shellCommand likewise runs the user's own shell command (core/user-shell.ts).
import { SteerRefused } from "../../core/conversation.js";
import type { UserInput as CoreInput } from "../../core/turn-runner.js";
import type { TurnSteerParams } from "../../protocol/v2/thread-lifecycle.js";
import type { ThreadShellCommandParams } from "../../protocol/v2/thread.js";
import type { TurnStartParams, UserInput } from "../../protocol/v2/turn.js";
import { ErrorCode, RpcError, rpcErrors } from "../../rpc/errors.js";
import type { RequestContext } from "../../rpc/router.js";
import { sandboxPolicyFromV2 } from "../../sandbox/policy.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import type { ThreadHandlerDeps } from "./thread-handlers.js";

function toCoreInput(input: UserInput[]): CoreInput {
  const texts = input.flatMap((i) => (i.type === "text" ? [i] : []));
  return {
    text: texts.map((i) => i.text).join("\n"),
    // Spans of the one text input keep their byte ranges; several texts are joined, so theirs would not.
    textElements: texts.length === 1 ? (texts[0]!.text_elements ?? []) : [],
    images: input.flatMap((i) => (i.type === "image" ? [i.url] : [])),
    localImages: input.flatMap((i) => (i.type === "localImage" ? [i.path] : [])),
    skills: input.flatMap((i) => (i.type === "skill" ? [{ name: i.name, path: i.path }] : [])),
  };
}

export async function turnStart(deps: ThreadHandlerDeps, params: TurnStartParams, ctx: Pick<RequestContext, "afterReply">) {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  deps.threads.attach(conversation);
  deps.threads.ownTurn(conversation.id);
  // What the turn sends (turn/started, its user message…) goes out after the reply naming it.
  ctx.afterReply(deps.threads.hold(conversation.id));
  const turnId = conversation.submit(toCoreInput(params.input), {
    ...(params.cwd ? { cwd: params.cwd } : {}),
    ...(params.approvalPolicy ? { approvalPolicy: params.approvalPolicy } : {}),
    ...(params.sandboxPolicy ? { sandboxPolicy: sandboxPolicyFromV2(params.sandboxPolicy) } : {}),
    ...(params.model ? { model: params.model } : {}),
    ...(params.effort ? { effort: params.effort } : {}),
    ...(params.summary ? { summary: params.summary } : {}),
    ...(params.outputSchema !== undefined ? { outputSchema: params.outputSchema } : {}),
  });
  // Not started yet (it may queue behind a running turn): turn/started says when it does.
  return {
    turn: { id: turnId, rootTurnId: turnId, items: [], itemsView: "notLoaded" as const, status: "inProgress" as const, error: null, startedAt: null, completedAt: null, durationMs: null },
  };
}

export async function turnInterrupt(deps: ThreadHandlerDeps, params: { threadId: string; turnId: string }, ctx: Pick<RequestContext, "afterReply">) {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  // A stale id must not stop whatever turn runs now (the reference's wording).
  const active = conversation.activeTurnId;
  if (active === undefined) throw rpcErrors.invalidRequest("no active turn to interrupt");
  if (active !== params.turnId) throw rpcErrors.invalidRequest(`expected active turn id ${params.turnId} but found ${active}`);
  // As 0.169: the reply comes once the turn has stopped, and its turn/completed right after it.
  ctx.afterReply(deps.threads.hold(conversation.id));
  await conversation.interrupt();
  return {};
}

/** Adds input to the running turn; it reaches the model with that turn's next request. */
export function turnSteer(deps: ThreadHandlerDeps, params: TurnSteerParams) {
  const conversation = deps.manager.get(params.threadId);
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  const input = toCoreInput(params.input);
  if (!input.text && input.images.length === 0) throw rpcErrors.invalidParams("input", "must hold text or an image");
  if (input.localImages.length > 0) throw rpcErrors.invalidParams("input", "localImage cannot be steered into a running turn");
  try {
    return { turnId: conversation.steer(params.expectedTurnId, input) };
  } catch (error) {
    if (error instanceof SteerRefused) throw rpcErrors.invalidRequest(error.message);
    throw error;
  }
}

export async function threadCompactStart(deps: ThreadHandlerDeps, params: { threadId: string }) {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  deps.threads.attach(conversation);
  conversation.compact();
  return {};
}

export async function threadShellCommand(deps: ThreadHandlerDeps, params: ThreadShellCommandParams, ctx: Pick<RequestContext, "afterReply">) {
  // As 0.169: the command is trimmed, and checked before the thread is looked up.
  const command = params.command.trim();
  if (!command) throw rpcErrors.invalidRequest("command must not be empty");
  const timeoutMs = params.timeoutMs ?? undefined;
  if (timeoutMs !== undefined && timeoutMs < 0) throw new RpcError(ErrorCode.InvalidParams, `thread/shellCommand timeoutMs must be non-negative, got ${timeoutMs}`);
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  deps.threads.attach(conversation);
  // The reply comes first; the turn's notifications follow it.
  ctx.afterReply(deps.threads.hold(conversation.id));
  conversation.userShell({ command, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  return {};
}
