// v1 conversation methods: newConversation, add/removeConversationListener, sendUserMessage,
// sendUserTurn, interruptConversation. Thin adapters onto core/.
import type { ClientOrigin } from "../../originator.js";
import type { Approver, Conversation } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { UserInput } from "../../core/turn-runner.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import type { InputItem, NewConversationParams, NewConversationResult } from "../../protocol/v1/common.js";
import type { SendUserMessageParams, SendUserTurnParams } from "../../protocol/v1/conversation.js";
import { rpcErrors } from "../../rpc/errors.js";
import type { ConversationSubscriptions } from "./subscriptions.js";

export interface V1Deps {
  manager: ConversationManager;
  subscriptions: ConversationSubscriptions;
  /** Every conversation's approver (routes to a subscriber). */
  approver: Approver;
  notify(method: string, params: unknown): void;
  /** This connection's client (threads it starts name it to the model). */
  origin?(): ClientOrigin | undefined;
  /** This connection submitted the conversation's running turn. */
  ownTurn(conversationId: string): void;
}

/** StartOptions naming this connection's client, when it has one. */
export function originOf(deps: { origin?(): ClientOrigin | undefined }): { origin?: ClientOrigin } {
  const origin = deps.origin?.();
  return origin ? { origin } : {};
}

export function toUserInput(items: InputItem[]): UserInput {
  const text = items.flatMap((i) => (i.type === "text" ? [i.data.text] : [])).join("\n");
  const images = items.flatMap((i) => (i.type === "image" ? [i.data.image_url] : []));
  const localImages = items.flatMap((i) => (i.type === "localImage" ? [i.data.path] : []));
  return { text, images, localImages };
}

/** A conversation of this process, loaded again if it was unloaded while idle. */
async function loaded(deps: V1Deps, id: string): Promise<Conversation | undefined> {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(id)));
  if (conversation) conversation.approver = deps.approver;
  return conversation;
}

export async function requireConversation(deps: V1Deps, id: string): Promise<Conversation> {
  const conversation = await loaded(deps, id);
  if (!conversation) throw rpcErrors.invalidRequest(`conversation not found: ${id}`);
  return conversation;
}


export async function newConversation(deps: V1Deps, params: NewConversationParams): Promise<NewConversationResult> {
  const conversation = await withConfig(() => deps.manager.start({ ...params, ...originOf(deps) }));
  conversation.approver = deps.approver;
  const result = {
    conversationId: conversation.id,
    model: conversation.settings.model,
    reasoningEffort: conversation.settings.effort ?? null,
    rolloutPath: conversation.rolloutPath,
  };
  // After the reply is written (0.90 sends none here; the issue asks for it, as resume and fork do).
  setImmediate(() =>
    deps.notify("sessionConfigured", {
      sessionId: result.conversationId,
      model: result.model,
      reasoningEffort: result.reasoningEffort,
      historyLogId: 0,
      historyEntryCount: 0,
      initialMessages: null,
      rolloutPath: result.rolloutPath,
    }),
  );
  return result;
}

export async function addConversationListener(deps: V1Deps, params: { conversationId: string }): Promise<{ subscriptionId: string }> {
  const conversation = await loaded(deps, params.conversationId);
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.conversationId}`);
  return { subscriptionId: deps.subscriptions.add(conversation) };
}

export function removeConversationListener(deps: V1Deps, params: { subscriptionId: string }): Record<string, never> {
  if (!deps.subscriptions.remove(params.subscriptionId)) {
    throw rpcErrors.invalidRequest(`subscription not found: ${params.subscriptionId}`);
  }
  return {};
}

export async function sendUserMessage(deps: V1Deps, params: SendUserMessageParams): Promise<Record<string, never>> {
  const conversation = await requireConversation(deps, params.conversationId);
  deps.ownTurn(conversation.id);
  conversation.submit(toUserInput(params.items), {}, "submission");
  return {};
}

export async function sendUserTurn(deps: V1Deps, params: SendUserTurnParams): Promise<Record<string, never>> {
  const conversation = await requireConversation(deps, params.conversationId);
  deps.ownTurn(conversation.id);
  conversation.submit(toUserInput(params.items), {
    cwd: params.cwd,
    approvalPolicy: params.approvalPolicy,
    sandboxPolicy: params.sandboxPolicy,
    model: params.model,
    summary: params.summary,
    ...(params.effort ? { effort: params.effort } : {}),
    ...(params.outputSchema !== undefined ? { outputSchema: params.outputSchema } : {}),
  }, "submission");
  return {};
}

export async function interruptConversation(deps: V1Deps, params: { conversationId: string }): Promise<{ abortReason: "interrupted" }> {
  // Idle or not, the client gets an answer (0.90 leaves an idle interrupt unanswered). An unloaded
  // conversation is idle: no need to load it for that.
  const unloaded = !deps.manager.get(params.conversationId) && deps.manager.rolloutPathOf(params.conversationId) !== undefined;
  if (!unloaded) await (await requireConversation(deps, params.conversationId)).interrupt();
  return { abortReason: "interrupted" };
}
