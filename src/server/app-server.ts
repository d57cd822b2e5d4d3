// Wires one client connection: router + method table, the initialize gate, configWarning delivery,
// request telemetry, and shutdown hooks.
import type { Readable } from "node:stream";
import type { ConfigSource } from "../config/load.js";
import type { Logger } from "../logging/logger.js";
import { clientRequests } from "../protocol/methods.js";
import { createRpcConnection, type RpcConnection } from "../rpc/connection.js";
import { RequestTracker } from "../rpc/request-tracker.js";
import { Router } from "../rpc/router.js";
import { recordRequest } from "../telemetry/catalog.js";
import type { Lifecycle } from "../transport/lifecycle.js";
import type { ProtocolOutput } from "../transport/ndjson-writer.js";
import { ClientSession } from "./client-session.js";
import { ConfigWarningOutbox } from "./config-warnings.js";
import { handleGetUserAgent, handleInitialize } from "./initialize.js";
import { Notifier } from "./notifier.js";
import { handleGetUserSavedConfig } from "./user-config.js";
import { v1Approver } from "./v1/approvals.js";
import * as v1 from "./v1/conversation-handlers.js";
import * as v1h from "./v1/history-handlers.js";
import { ConversationSubscriptions } from "./v1/subscriptions.js";
import { v2Approver } from "./v2/approvals.js";
import * as v2 from "./v2/thread-handlers.js";
import * as v2t from "./v2/turn-handlers.js";
import { V2Threads } from "./v2/threads.js";
import { ConversationManager } from "../core/conversation-manager.js";
import { killAllRunningCommands } from "../tools/exec.js";

export interface AppServerOptions {
  input: Readable;
  output: ProtocolOutput;
  config: ConfigSource;
  log: Logger;
  lifecycle: Lifecycle;
}

export interface AppServer {
  rpc: RpcConnection;
  warnings: ConfigWarningOutbox;
}

export function startAppServer(options: AppServerOptions): AppServer {
  const { log, lifecycle } = options;
  const session = new ClientSession();
  const router = new Router({
    isInitialized: () => session.initialized,
    onDispatched: recordRequest,
    onInternalError: (method, error) => log.error({ err: error, method }, "request failed"),
  });
  const tracker = new RequestTracker();
  const rpc = createRpcConnection({
    input: options.input,
    output: options.output,
    router,
    tracker,
    log,
    onNotification: (method) => {
      if (method !== "initialized") log.debug({ method }, "ignored notification");
    },
  });
  const notifier = new Notifier(rpc.connection, log);
  const warnings = new ConfigWarningOutbox(session, notifier);
  for (const warning of options.config.warnings) warnings.add(warning);

  const c = clientRequests;
  router.register("initialize", c.initialize, (params) =>
    handleInitialize({ session, log, afterInitialize: () => warnings.flush() }, params),
  );
  router.register("getUserAgent", c.getUserAgent, handleGetUserAgent);
  router.register("getUserSavedConfig", c.getUserSavedConfig, () => handleGetUserSavedConfig(options.config));

  const manager = new ConversationManager({ config: options.config, env: process.env });
  const subscriptions = new ConversationSubscriptions((method, params) => {
    rpc.connection.sendNotification(method, params).catch(() => {});
  });
  const notify = (method: string, params: unknown) => void rpc.connection.sendNotification(method, params).catch(() => {});
  const v1deps: v1.V1Deps = { manager, subscriptions, approver: v1Approver(rpc.connection, subscriptions, log), notify };
  router.register("newConversation", c.newConversation, (p) => v1.newConversation(v1deps, p));
  router.register("addConversationListener", c.addConversationListener, (p) => v1.addConversationListener(v1deps, p));
  router.register("removeConversationListener", c.removeConversationListener, (p) => v1.removeConversationListener(v1deps, p));
  router.register("sendUserMessage", c.sendUserMessage, (p) => v1.sendUserMessage(v1deps, p));
  router.register("sendUserTurn", c.sendUserTurn, (p) => v1.sendUserTurn(v1deps, p));
  router.register("interruptConversation", c.interruptConversation, (p) => v1.interruptConversation(v1deps, p));
  const history: v1h.HistoryDeps = { ...v1deps, config: options.config };
  router.register("listConversations", c.listConversations, (p) => v1h.listConversations(history, p));
  router.register("getConversationSummary", c.getConversationSummary, (p) => v1h.getConversationSummary(history, p));
  router.register("resumeConversation", c.resumeConversation, (p) => v1h.resumeConversation(history, p));
  router.register("forkConversation", c.forkConversation, (p) => v1h.forkConversation(history, p));
  router.register("archiveConversation", c.archiveConversation, (p) => v1h.archiveConversation(history, p));

  const v2base = { manager, config: options.config, approver: v2Approver(rpc.connection, log), notify };
  const v2deps: v2.ThreadHandlerDeps = { ...v2base, threads: new V2Threads(v2base) };
  router.register("thread/start", c["thread/start"], (p) => v2.threadStart(v2deps, p));
  router.register("thread/resume", c["thread/resume"], (p) => v2.threadResume(v2deps, p));
  router.register("thread/fork", c["thread/fork"], (p) => v2.threadFork(v2deps, p));
  router.register("thread/archive", c["thread/archive"], (p) => v2.threadArchive(v2deps, p));
  router.register("thread/list", c["thread/list"], (p) => v2.threadList(v2deps, p));
  router.register("thread/read", c["thread/read"], (p) => v2.threadRead(v2deps, p));
  router.register("thread/loaded/list", c["thread/loaded/list"], () => v2.threadLoadedList(v2deps));
  router.register("turn/start", c["turn/start"], (p) => v2t.turnStart(v2deps, p));
  router.register("turn/interrupt", c["turn/interrupt"], (p) => v2t.turnInterrupt(v2deps, p));

  rpc.reader.onClose(() => void lifecycle.shutdown("stdin closed"));
  rpc.writer.onError(([error]) => {
    log.warn({ err: error }, "stdout closed");
    void lifecycle.shutdown("stdout closed");
  });
  // Turns end first (their interrupts answer pending requests), then the rest drains.
  lifecycle.onShutdown("stop turns and commands", async () => {
    killAllRunningCommands();
    await manager.closeAll();
  });
  lifecycle.onShutdown("answer requests already read", () => tracker.whenIdle());
  lifecycle.onShutdown("stop taking requests", () => rpc.connection.dispose());
  // The last reply is written a tick after its handler settles.
  lifecycle.onShutdown("flush stdout", () => new Promise<void>((r) => setImmediate(r)).then(() => rpc.writer.flushed()));
  rpc.connection.listen();
  return { rpc, warnings };
}
