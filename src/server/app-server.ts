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
import { registerV1 } from "./v1/register.js";
import { registerV2 } from "./v2/register.js";
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
  const notify = (method: string, params: unknown) => void rpc.connection.sendNotification(method, params).catch(() => {});
  const faceDeps = { router, connection: rpc.connection, manager, config: options.config, log, notify };
  registerV1(faceDeps);
  registerV2(faceDeps);

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
