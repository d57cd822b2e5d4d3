// The method table: every request a client may send and every notification we send, by name.
// Handlers, the router and the published schema all read from here.
import type { Schema } from "./schema.js";
import * as config from "./config.js";
import * as init from "./initialize.js";
import * as v1 from "./v1/common.js";
import * as v1c from "./v1/conversation.js";
import * as v1h from "./v1/history.js";

export interface MethodContract<P, R> {
  readonly params: Schema<P>;
  readonly result: Schema<R>;
  /** Callable before `initialize` has succeeded. */
  readonly beforeInitialize?: boolean;
}

function method<P, R>(params: Schema<P>, result: Schema<R>, beforeInitialize = false): MethodContract<P, R> {
  return { params, result, beforeInitialize };
}

export const clientRequests = {
  initialize: method(init.InitializeParams, init.InitializeResult, true),
  getUserAgent: method(init.GetUserAgentParams, init.GetUserAgentResult),
  getUserSavedConfig: method(config.GetUserSavedConfigParams, config.GetUserSavedConfigResult),
  newConversation: method(v1.NewConversationParams, v1.NewConversationResult),
  addConversationListener: method(v1c.AddConversationListenerParams, v1c.AddConversationListenerResult),
  removeConversationListener: method(v1c.RemoveConversationListenerParams, v1c.EmptyResult),
  sendUserMessage: method(v1c.SendUserMessageParams, v1c.EmptyResult),
  sendUserTurn: method(v1c.SendUserTurnParams, v1c.EmptyResult),
  interruptConversation: method(v1c.InterruptConversationParams, v1c.InterruptConversationResult),
  listConversations: method(v1h.ListConversationsParams, v1h.ListConversationsResult),
  getConversationSummary: method(v1h.GetConversationSummaryParams, v1h.GetConversationSummaryResult),
  resumeConversation: method(v1h.ResumeConversationParams, v1h.ResumeConversationResult),
  forkConversation: method(v1h.ForkConversationParams, v1h.ResumeConversationResult),
  archiveConversation: method(v1h.ArchiveConversationParams, v1c.EmptyResult),
} as const;

export type ClientRequests = typeof clientRequests;
export type ClientMethod = keyof ClientRequests;
export type ParamsOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<infer P, unknown> ? P : never;
export type ResultOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<unknown, infer R> ? R : never;

export const serverNotifications = {
  configWarning: config.ConfigWarningNotification,
  sessionConfigured: v1h.SessionConfiguredNotification,
} as const;

export type ServerNotifications = typeof serverNotifications;
export type NotificationMethod = keyof ServerNotifications;

/** Notifications a client sends; we accept these and need no reply. */
export const clientNotifications = ["initialized"] as const;
