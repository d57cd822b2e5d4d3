// The v1 method table: conversations and their stored history.
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { ConfigSource } from "../../config/load.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { Logger } from "../../logging/logger.js";
import { clientRequests as c } from "../../protocol/methods.js";
import type { Router } from "../../rpc/router.js";
import { v1Approver } from "./approvals.js";
import * as v1 from "./conversation-handlers.js";
import * as v1h from "./history-handlers.js";
import { ConversationSubscriptions } from "./subscriptions.js";

export interface FaceDeps {
  router: Router;
  connection: MessageConnection;
  manager: ConversationManager;
  config: ConfigSource;
  log: Logger;
  notify(method: string, params: unknown): void;
}

export function registerV1(deps: FaceDeps): void {
  const { router, connection, manager, log, notify } = deps;
  const subscriptions = new ConversationSubscriptions(notify);
  const v1deps: v1.V1Deps = { manager, subscriptions, approver: v1Approver(connection, subscriptions, log), notify };
  router.register("newConversation", c.newConversation, (p) => v1.newConversation(v1deps, p));
  router.register("addConversationListener", c.addConversationListener, (p) => v1.addConversationListener(v1deps, p));
  router.register("removeConversationListener", c.removeConversationListener, (p) => v1.removeConversationListener(v1deps, p));
  router.register("sendUserMessage", c.sendUserMessage, (p) => v1.sendUserMessage(v1deps, p));
  router.register("sendUserTurn", c.sendUserTurn, (p) => v1.sendUserTurn(v1deps, p));
  router.register("interruptConversation", c.interruptConversation, (p) => v1.interruptConversation(v1deps, p));
  const history: v1h.HistoryDeps = { ...v1deps, config: deps.config };
  router.register("listConversations", c.listConversations, (p) => v1h.listConversations(history, p));
  router.register("getConversationSummary", c.getConversationSummary, (p) => v1h.getConversationSummary(history, p));
  router.register("resumeConversation", c.resumeConversation, (p) => v1h.resumeConversation(history, p));
  router.register("forkConversation", c.forkConversation, (p) => v1h.forkConversation(history, p));
  router.register("archiveConversation", c.archiveConversation, (p) => v1h.archiveConversation(history, p));
}
