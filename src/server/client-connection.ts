// One client connection over any transport (stdio, a Unix socket, a WebSocket): its handshake and
// client info, router and method table, output and pacing, and the threads it follows. When it
// goes away, its subscriptions end and its pending server requests are settled; the threads stay.
import { clientRequests, type ClientMethod, type MethodContract } from "../protocol/methods.js";
import { createRpcConnection, type RpcConnection } from "../rpc/connection.js";
import { rpcErrors } from "../rpc/errors.js";
import { RequestTracker } from "../rpc/request-tracker.js";
import { Router, type RequestContext } from "../rpc/router.js";
import { recordRequest } from "../telemetry/catalog.js";
import { tracing } from "../telemetry/tracing.js";
import type { ReaderHooks, TextMessageReader } from "../transport/ndjson-reader.js";
import type { ProtocolWriter } from "../transport/ndjson-writer.js";
import { ClientSession } from "./client-session.js";
import { registerCloudMethods } from "./cloud-methods.js";
import * as cfg from "./config-handlers.js";
import { ConfigWarningOutbox } from "./config-warnings.js";
import type { FuzzySearchHandlers } from "./fuzzy-search-handlers.js";
import { handleGetUserAgent, handleInitialize } from "./initialize.js";
import { Notifier } from "./notifier.js";
import { requestSpans } from "./request-spans.js";
import { warnIfSandboxUnavailable } from "./sandbox-warning.js";
import type { ServerCore } from "./server-core.js";
import { handleGetUserSavedConfig } from "./user-config.js";
import type { HandlerTable } from "./v1/register.js";

/** Output (in characters) a client may leave unread before streaming turns wait for it. */
export const OUTPUT_BACKLOG_LIMIT = 256 * 1024;

const CONFIG_METHODS = ["config/read", "config/value/write", "config/batchWrite", "configRequirements/read", "setDefaultModel"];

const WORKSPACE_LIST_METHODS = ["skills/list", "skills/config/write", "experimentalFeature/list", "collaborationMode/list", "app/list"];
const SEARCH_METHODS = ["fuzzyFileSearch", "fuzzyFileSearch/sessionStart", "fuzzyFileSearch/sessionUpdate", "fuzzyFileSearch/sessionStop"];

/** Every method but the handshake, config, list and search ones: served by the conversation faces. */
const CONVERSATION_METHODS = (Object.keys(clientRequests) as ClientMethod[]).filter(
  (m) => !["initialize", "getUserAgent", "getUserSavedConfig", ...CONFIG_METHODS, ...SEARCH_METHODS, ...WORKSPACE_LIST_METHODS].includes(m),
);

export interface ConnectionTransport {
  kind: "stdio" | "unix" | "ws";
  openReader(hooks: ReaderHooks): TextMessageReader;
  writer: ProtocolWriter;
}

export class ClientConnection {
  readonly id: string;
  readonly session = new ClientSession();
  readonly rpc: RpcConnection;
  readonly warnings: ConfigWarningOutbox;
  private readonly tracker = new RequestTracker();
  private readonly gone = new AbortController();
  private handlers: Promise<HandlerTable> | undefined;
  /** A thread's notification to this connection, after any reply it is held for (set by the v2 face). */
  private threadNotify: ((threadId: string, method: string, params: unknown) => void) | undefined;

  constructor(
    private readonly core: ServerCore,
    readonly transport: ConnectionTransport,
  ) {
    const { log } = core;
    this.id = core.newConnectionId();
    const session = this.session;
    const router = new Router({
      isInitialized: () => session.initialized,
      onDispatched: recordRequest,
      observe: requestSpans({ session, connectionId: this.id, transport: transport.kind }),
      onInternalError: (method, error) => log.error({ err: error, method }, "request failed"),
    });
    this.rpc = createRpcConnection({
      openReader: (hooks) => transport.openReader(hooks),
      writer: transport.writer,
      router,
      tracker: this.tracker,
      log,
      keepEnvelopes: () => tracing.enabled,
      dropNotification: (method) => session.optOutNotificationMethods.has(method),
      onNotification: (method) => {
        if (method !== "initialized") log.debug({ method }, "ignored notification");
      },
    });
    const notifier = new Notifier(this.rpc.connection, log);
    this.warnings = new ConfigWarningOutbox(session, notifier);
    for (const warning of core.configWarnings()) this.warnings.add(warning);
    this.register(router);
    core.connections.add(this);
  }

  /** Aborted once the connection is gone. */
  get closed(): AbortSignal {
    return this.gone.signal;
  }

  notify(method: string, params: unknown): void {
    void this.rpc.connection.sendNotification(method, params).catch(() => {});
  }

  /** A notification about a thread: held, as the thread's own, while a reply about it is pending. */
  notifyThread(threadId: string, method: string, params: unknown): void {
    if (this.threadNotify) this.threadNotify(threadId, method, params);
    else this.notify(method, params);
  }

  /** Resolves when every request read so far has been answered. */
  idle(): Promise<void> {
    return this.tracker.whenIdle();
  }

  listen(): void {
    this.rpc.connection.listen();
  }

  /**
   * The client is gone: it stops following threads (they keep running), server requests waiting
   * on it are settled, and the process forgets it. Idempotent.
   */
  drop(): void {
    if (this.gone.signal.aborted) return;
    // Before the dispose: approval routing reads the signal to tell "gone" from "declined".
    this.gone.abort();
    this.core.subscriptions.dropConnection(this.id);
    this.core.connections.delete(this);
    this.rpc.connection.dispose();
  }

  private register(router: Router): void {
    const { core, session } = this;
    const { log } = core;
    // First, so a method implemented later replaces its refusal.
    registerCloudMethods(router);
    const c = clientRequests;
    router.register("initialize", c.initialize, (params) =>
      handleInitialize(
        {
          session,
          log,
          codexHome: core.config.home,
          afterInitialize: () => {
            this.warnings.flush();
            // Once the reply is on its way (its latency is the client's start-up): a configWarning
            // when the configured mode needs a sandbox this machine cannot build.
            void warnIfSandboxUnavailable(core.config, this.warnings, process.env).catch((error: unknown) => log.warn({ err: error }, "sandbox detection failed"));
          },
        },
        params,
      ),
    );
    router.register("getUserAgent", c.getUserAgent, () => handleGetUserAgent(session));
    router.register("getUserSavedConfig", c.getUserSavedConfig, () => handleGetUserSavedConfig(core.config));
    const configDeps = core.configDeps;
    router.register("config/read", c["config/read"], (p) => cfg.configRead(configDeps, p));
    router.register("config/value/write", c["config/value/write"], (p) => cfg.configValueWrite(configDeps, p));
    router.register("config/batchWrite", c["config/batchWrite"], (p) => cfg.configBatchWrite(configDeps, p));
    router.register("configRequirements/read", c["configRequirements/read"], () => cfg.configRequirementsRead());
    router.register("setDefaultModel", c.setDefaultModel, (p) => cfg.setDefaultModel(configDeps, p));

    // Skills and the small list methods: no conversation needed.
    const skillsDeps = { source: core.config, writer: configDeps.writer, cwd: process.cwd() };
    const skills = () => import("./skills-handlers.js");
    const lists = () => import("./list-methods.js");
    router.register("skills/list", c["skills/list"], async (p) => (await skills()).skillsList(skillsDeps, p));
    router.register("skills/config/write", c["skills/config/write"], async (p) => (await skills()).skillsConfigWrite(skillsDeps, p));
    router.register("experimentalFeature/list", c["experimentalFeature/list"], async () => (await lists()).experimentalFeatureList());
    router.register("collaborationMode/list", c["collaborationMode/list"], async () => (await lists()).collaborationModeList());
    router.register("app/list", c["app/list"], async () => (await lists()).appList());

    // Fuzzy file search needs no conversation: its own module, loaded on first use; its sessions
    // are this connection's.
    let search: Promise<FuzzySearchHandlers> | undefined;
    const loadSearch = () => (search ??= import("./fuzzy-search-handlers.js").then((m) => new m.FuzzySearchHandlers((method, params) => this.notify(method, params))));
    router.register("fuzzyFileSearch", c.fuzzyFileSearch, async (p, ctx) => (await loadSearch()).search(p, ctx.signal));
    router.register("fuzzyFileSearch/sessionStart", c["fuzzyFileSearch/sessionStart"], async (p) => (await loadSearch()).sessionStart(p));
    router.register("fuzzyFileSearch/sessionUpdate", c["fuzzyFileSearch/sessionUpdate"], async (p) => (await loadSearch()).sessionUpdate(p));
    router.register("fuzzyFileSearch/sessionStop", c["fuzzyFileSearch/sessionStop"], async (p) => (await loadSearch()).sessionStop(p));

    // Conversation methods are registered now (the gate and params checks need them) and their
    // implementation is loaded on first use.
    for (const method of CONVERSATION_METHODS) {
      router.register(method, c[method] as MethodContract<unknown, unknown>, async (params, ctx) => {
        if (method.includes("/")) session.spokeV2 = true;
        else session.spokeV1 = true;
        const handler = (await this.conversationHandlers())[method] as ((p: unknown, ctx: RequestContext) => unknown) | undefined;
        if (!handler) throw rpcErrors.methodNotFound(method);
        return handler(params, ctx);
      });
    }
  }

  private conversationHandlers(): Promise<HandlerTable> {
    return (this.handlers ??= this.core.loadFaces().then((faces) =>
      faces.handlersFor({
        connection: this.rpc.connection,
        connectionId: this.id,
        closed: this.closed,
        notify: (method, params) => this.notify(method, params),
        origin: () => {
          const info = this.session.clientInfo;
          return info ? { originator: info.name, userAgentSuffix: this.session.userAgentSuffix } : undefined;
        },
        broadcast: (method, params) => this.core.broadcast(method, params),
        setThreadNotify: (deliver) => {
          this.threadNotify = deliver;
        },
        pace: () => this.rpc.writer.paced(OUTPUT_BACKLOG_LIMIT),
      }),
    ));
  }
}
