// The method table: every request a client may send and every notification we send, by name.
// Handlers, the router and the published schema all read from here.
import type { Schema } from "./schema.js";
import * as config from "./config.js";
import * as init from "./initialize.js";

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
} as const;

export type ClientRequests = typeof clientRequests;
export type ClientMethod = keyof ClientRequests;
export type ParamsOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<infer P, unknown> ? P : never;
export type ResultOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<unknown, infer R> ? R : never;

export const serverNotifications = {
  configWarning: config.ConfigWarningNotification,
} as const;

export type ServerNotifications = typeof serverNotifications;
export type NotificationMethod = keyof ServerNotifications;

/** Notifications a client sends; we accept these and need no reply. */
export const clientNotifications = ["initialized"] as const;
