// Wires one client connection: router + method table, the initialize gate, configWarning delivery,
// request telemetry, and shutdown hooks.
import type { Readable } from "node:stream";
import type { ConfigSource } from "../config/load.js";
import type { Logger } from "../logging/logger.js";
import { clientRequests, type ClientMethod, type MethodContract } from "../protocol/methods.js";
import { createRpcConnection, type RpcConnection } from "../rpc/connection.js";
import { RequestTracker } from "../rpc/request-tracker.js";
import { Router } from "../rpc/router.js";
import { recordRequest } from "../telemetry/catalog.js";
import type { Lifecycle } from "../transport/lifecycle.js";
import type { ProtocolOutput } from "../transport/ndjson-writer.js";
import { ClientSession } from "./client-session.js";
import { registerCloudMethods } from "./cloud-methods.js";
import { ConfigWarningOutbox } from "./config-warnings.js";
import { warnIfSandboxUnavailable } from "./sandbox-warning.js";
import { handleGetUserAgent, handleInitialize } from "./initialize.js";
import { Notifier } from "./notifier.js";
import { handleGetUserSavedConfig } from "./user-config.js";
import * as cfg from "./config-handlers.js";
import type { ConfigWriter } from "../config/writer.js";
import type { ConversationFaces } from "./conversation-faces.js";
import type { FuzzySearchHandlers } from "./fuzzy-search-handlers.js";
import { rpcErrors } from "../rpc/errors.js";
import { tracing } from "../telemetry/tracing.js";
import { requestSpans } from "./request-spans.js";

let connections = 0;

/** Output (in characters) a client may leave unread before streaming turns wait for it. */
const OUTPUT_BACKLOG_LIMIT = 256 * 1024;

const CONFIG_METHODS = ["config/read", "config/value/write", "config/batchWrite", "configRequirements/read", "setDefaultModel"];

const WORKSPACE_LIST_METHODS = ["skills/list", "skills/config/write", "experimentalFeature/list", "collaborationMode/list", "app/list"];
const SEARCH_METHODS = ["fuzzyFileSearch", "fuzzyFileSearch/sessionStart", "fuzzyFileSearch/sessionUpdate", "fuzzyFileSearch/sessionStop"];

/** Every method but the handshake, config and search ones: served by the conversation faces. */
const CONVERSATION_METHODS = (Object.keys(clientRequests) as ClientMethod[]).filter(
  (m) => !["initialize", "getUserAgent", "getUserSavedConfig", ...CONFIG_METHODS, ...SEARCH_METHODS, ...WORKSPACE_LIST_METHODS].includes(m),
);

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
    observe: requestSpans({ session, connectionId: String(connections++), transport: "stdio" }),
    onInternalError: (method, error) => log.error({ err: error, method }, "request failed"),
  });
  const tracker = new RequestTracker();
  const rpc = createRpcConnection({
    input: options.input,
    output: options.output,
    router,
    tracker,
    log,
    keepEnvelopes: () => tracing.enabled,
    onNotification: (method) => {
      if (method !== "initialized") log.debug({ method }, "ignored notification");
    },
  });
  const notifier = new Notifier(rpc.connection, log);
  const warnings = new ConfigWarningOutbox(session, notifier);
  for (const warning of options.config.warnings) warnings.add(warning);

  // First, so a method implemented later replaces its refusal.
  registerCloudMethods(router);
  const c = clientRequests;
  router.register("initialize", c.initialize, (params) =>
    handleInitialize(
      {
        session,
        log,
        afterInitialize: () => {
          warnings.flush();
          // Once the reply is on its way (its latency is the client's start-up): a configWarning
          // when the configured mode needs a sandbox this machine cannot build.
          void warnIfSandboxUnavailable(options.config, warnings, process.env).catch((error: unknown) => log.warn({ err: error }, "sandbox detection failed"));
        },
      },
      params,
    ),
  );
  router.register("getUserAgent", c.getUserAgent, handleGetUserAgent);
  router.register("getUserSavedConfig", c.getUserSavedConfig, () => handleGetUserSavedConfig(options.config));
  // Writes update options.config in place, so threads started afterwards derive from the new file.
  let writer: Promise<ConfigWriter> | undefined;
  const configDeps: cfg.ConfigHandlerDeps = {
    source: options.config,
    writer: () => (writer ??= import("../config/writer.js").then((m) => new m.ConfigWriter(options.config))),
  };
  router.register("config/read", c["config/read"], (p) => cfg.configRead(configDeps, p));
  router.register("config/value/write", c["config/value/write"], (p) => cfg.configValueWrite(configDeps, p));
  router.register("config/batchWrite", c["config/batchWrite"], (p) => cfg.configBatchWrite(configDeps, p));
  router.register("configRequirements/read", c["configRequirements/read"], () => cfg.configRequirementsRead());
  router.register("setDefaultModel", c.setDefaultModel, (p) => cfg.setDefaultModel(configDeps, p));

  // Skills and the small list methods: no conversation needed.
  const skillsDeps = { source: options.config, writer: configDeps.writer, cwd: process.cwd() };
  const skills = () => import("./skills-handlers.js");
  const lists = () => import("./list-methods.js");
  router.register("skills/list", c["skills/list"], async (p) => (await skills()).skillsList(skillsDeps, p));
  router.register("skills/config/write", c["skills/config/write"], async (p) => (await skills()).skillsConfigWrite(skillsDeps, p));
  router.register("experimentalFeature/list", c["experimentalFeature/list"], async () => (await lists()).experimentalFeatureList());
  router.register("collaborationMode/list", c["collaborationMode/list"], async () => (await lists()).collaborationModeList());
  router.register("app/list", c["app/list"], async () => (await lists()).appList());

  // Conversation methods are registered now (the gate and params checks need them) and their
  // implementation is loaded on first use.
  const notify = (method: string, params: unknown) => void rpc.connection.sendNotification(method, params).catch(() => {});
  let faces: Promise<ConversationFaces> | undefined;
  const loadFaces = () =>
    (faces ??= import("./conversation-faces.js").then((m) =>
      m.createConversationFaces({
        connection: rpc.connection,
        config: options.config,
        log,
        notify,
        pace: () => rpc.writer.paced(OUTPUT_BACKLOG_LIMIT),
      }),
    ));
  for (const method of CONVERSATION_METHODS) {
    router.register(method, c[method] as MethodContract<unknown, unknown>, async (params) => {
      const handler = (await loadFaces()).handlers[method] as ((p: unknown) => unknown) | undefined;
      if (!handler) throw rpcErrors.methodNotFound(method);
      return handler(params);
    });
  }

  // Fuzzy file search needs no conversation: its own module, loaded on first use.
  let search: Promise<FuzzySearchHandlers> | undefined;
  const loadSearch = () => (search ??= import("./fuzzy-search-handlers.js").then((m) => new m.FuzzySearchHandlers(notify)));
  router.register("fuzzyFileSearch", c.fuzzyFileSearch, async (p, ctx) => (await loadSearch()).search(p, ctx.signal));
  router.register("fuzzyFileSearch/sessionStart", c["fuzzyFileSearch/sessionStart"], async (p) => (await loadSearch()).sessionStart(p));
  router.register("fuzzyFileSearch/sessionUpdate", c["fuzzyFileSearch/sessionUpdate"], async (p) => (await loadSearch()).sessionUpdate(p));
  router.register("fuzzyFileSearch/sessionStop", c["fuzzyFileSearch/sessionStop"], async (p) => (await loadSearch()).sessionStop(p));

  rpc.reader.onClose(() => void lifecycle.shutdown("stdin closed"));
  rpc.writer.onError(([error]) => {
    log.warn({ err: error }, "stdout closed");
    void lifecycle.shutdown("stdout closed");
  });
  // Turns end first (their interrupts answer pending requests), then the rest drains.
  lifecycle.onShutdown("stop turns and commands", async () => {
    if (faces) await (await faces).shutdown();
  });
  lifecycle.onShutdown("stop searches", async () => {
    if (search) (await search).shutdown();
  });
  lifecycle.onShutdown("answer requests already read", () => tracker.whenIdle());
  lifecycle.onShutdown("stop taking requests", () => rpc.connection.dispose());
  // The last reply is written a tick after its handler settles.
  lifecycle.onShutdown("flush stdout", () => new Promise<void>((r) => setImmediate(r)).then(() => rpc.writer.flushed()));
  rpc.connection.listen();
  return { rpc, warnings };
}
