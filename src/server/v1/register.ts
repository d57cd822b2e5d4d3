// The v1 method table: conversations and their stored history.
import type { ClientOrigin } from "../../originator.js";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { ConfigSource } from "../../config/load.js";
import type { Approver } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { Logger } from "../../logging/logger.js";
import type { OneOffSessions } from "../one-off-exec.js";
import type { FsWatches } from "../../workspace/fs-watches.js";
import type { ClientMethod } from "../../protocol/methods.js";
import type { RequestContext } from "../../rpc/router.js";
import type { AccountDeps } from "../v2/account-handlers.js";
import * as acc from "./account-handlers.js";
import { v1Approver } from "./approvals.js";
import * as v1 from "./conversation-handlers.js";
import * as v1h from "./history-handlers.js";
import type { ThreadSubscriptions } from "../thread-subscriptions.js";
import * as ws from "./workspace-handlers.js";
import { ConversationSubscriptions } from "./subscriptions.js";

/** Handlers by method name; the router has already validated params against the method's schema. */
/** A handler may use its request's context (e.g. to send what the request causes after its reply). */
export type HandlerTable = Partial<Record<ClientMethod, (params: never, ctx: RequestContext) => unknown>>;

/** What one connection's handlers work with: the process-wide parts and this connection's own. */
export interface FaceDeps {
  connection: MessageConnection;
  connectionId: string;
  /** Aborted when this connection is gone. */
  closed: AbortSignal;
  manager: ConversationManager;
  config: ConfigSource;
  log: Logger;
  /** To this connection. */
  notify(method: string, params: unknown): void;
  /** Routes this connection's thread notifications sent from outside the face (status changes). */
  setThreadNotify(deliver: (threadId: string, method: string, params: unknown) => void): void;
  /** This connection's client, which threads it starts name in their model requests. */
  origin(): ClientOrigin | undefined;
  /** To every initialized connection. */
  broadcast(method: string, params: unknown): void;
  /** A promise while this connection has a backlog of unread output. */
  pace(): Promise<void> | undefined;
  subscriptions: ThreadSubscriptions;
  /** Every conversation's approver: routes each question to a subscriber. */
  approver: Approver;
  /** The connection's one-off commands and file watches: they end with it. */
  oneOffs: OneOffSessions;
  watches: FsWatches;
}

export function v1Handlers(deps: FaceDeps): HandlerTable {
  const { connection, manager, log, notify } = deps;
  const subscriptions: ConversationSubscriptions = new ConversationSubscriptions(notify, {
    subscriptions: deps.subscriptions,
    subscriber: {
      connectionId: deps.connectionId,
      face: "v1",
      approver: v1Approver(connection, () => subscriptions, log),
      pace: deps.pace,
      closed: deps.closed,
    },
  });
  const v1deps: v1.V1Deps = {
    manager,
    subscriptions,
    approver: deps.approver,
    notify,
    origin: deps.origin,
    ownTurn: (id) => deps.subscriptions.setTurnOwner(id, deps.connectionId),
  };
  const history: v1h.HistoryDeps = { ...v1deps, config: deps.config };
  const accounts: AccountDeps = { config: deps.config.config, env: process.env, notify };
  const oneOff = { config: deps.config, env: process.env, sessions: deps.oneOffs };
  return {
    execOneOffCommand: (p: Parameters<typeof ws.execOneOffCommand>[1]) => ws.execOneOffCommand(oneOff, p),
    gitDiffToRemote: (p: Parameters<typeof ws.gitDiffToRemote>[0]) => ws.gitDiffToRemote(p),
    getAuthStatus: (p: Parameters<typeof acc.getAuthStatus>[1]) => acc.getAuthStatus(accounts, p),
    loginApiKey: (p: Parameters<typeof acc.loginApiKey>[1]) => acc.loginApiKey(accounts, p),
    logoutChatGpt: () => acc.logoutChatGpt(accounts),
    userInfo: () => acc.userInfo(),
    newConversation: (p: Parameters<typeof v1.newConversation>[1]) => v1.newConversation(v1deps, p),
    addConversationListener: (p: Parameters<typeof v1.addConversationListener>[1]) => v1.addConversationListener(v1deps, p),
    removeConversationListener: (p: Parameters<typeof v1.removeConversationListener>[1]) => v1.removeConversationListener(v1deps, p),
    sendUserMessage: (p: Parameters<typeof v1.sendUserMessage>[1]) => v1.sendUserMessage(v1deps, p),
    sendUserTurn: (p: Parameters<typeof v1.sendUserTurn>[1]) => v1.sendUserTurn(v1deps, p),
    interruptConversation: (p: Parameters<typeof v1.interruptConversation>[1]) => v1.interruptConversation(v1deps, p),
    listConversations: (p: Parameters<typeof v1h.listConversations>[1]) => v1h.listConversations(history, p),
    getConversationSummary: (p: Parameters<typeof v1h.getConversationSummary>[1]) => v1h.getConversationSummary(history, p),
    resumeConversation: (p: Parameters<typeof v1h.resumeConversation>[1]) => v1h.resumeConversation(history, p),
    forkConversation: (p: Parameters<typeof v1h.forkConversation>[1]) => v1h.forkConversation(history, p),
    archiveConversation: (p: Parameters<typeof v1h.archiveConversation>[1]) => v1h.archiveConversation(history, p),
  };
}
