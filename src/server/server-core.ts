// What the whole process shares between its client connections: config, the conversations (loaded
// on first use), who follows which thread, config warnings, and the shutdown steps. Each
// connection (client-connection.ts) keeps its own handshake, method table and output.
import type { ConfigSource } from "../config/load.js";
import type { ConfigWriter } from "../config/writer.js";
import type { Logger } from "../logging/logger.js";
import type { ConfigWarningNotification } from "../protocol/config.js";
import type { ThreadStatus } from "../protocol/v2/thread.js";
import type { Lifecycle } from "../transport/lifecycle.js";
import type { ClientConnection } from "./client-connection.js";
import type { ConfigHandlerDeps } from "./config-handlers.js";
import type { ConversationFaces } from "./conversation-faces.js";
import { ThreadSubscriptions } from "./thread-subscriptions.js";

export interface ServerCoreOptions {
  config: ConfigSource;
  log: Logger;
  lifecycle: Lifecycle;
}

export class ServerCore {
  readonly config: ConfigSource;
  readonly log: Logger;
  readonly lifecycle: Lifecycle;
  readonly subscriptions = new ThreadSubscriptions();
  readonly connections = new Set<ClientConnection>();
  readonly configDeps: ConfigHandlerDeps;
  private readonly warnings: ConfigWarningNotification[];
  private faces: Promise<ConversationFaces> | undefined;
  private nextConnectionId = 0;

  constructor(options: ServerCoreOptions) {
    this.config = options.config;
    this.log = options.log;
    this.lifecycle = options.lifecycle;
    this.warnings = [...options.config.warnings];
    // Writes update config in place, so threads started afterwards derive from the new file.
    let writer: Promise<ConfigWriter> | undefined;
    this.configDeps = {
      source: options.config,
      writer: () => (writer ??= import("../config/writer.js").then((m) => new m.ConfigWriter(options.config))),
    };
    const lifecycle = options.lifecycle;
    // Turns end first (their interrupts answer pending requests), then the rest drains.
    lifecycle.onShutdown("stop turns and commands", async () => {
      if (this.faces) await (await this.faces).shutdown();
    });
    lifecycle.onShutdown("answer requests already read", () => Promise.all([...this.connections].map((c) => c.idle())).then(() => undefined));
    lifecycle.onShutdown("stop taking requests", () => {
      for (const c of this.connections) c.rpc.connection.dispose();
    });
    // The last reply is written a tick after its handler settles.
    lifecycle.onShutdown("flush output", () =>
      new Promise<void>((r) => setImmediate(r)).then(() => Promise.all([...this.connections].map((c) => c.rpc.writer.flushed()))).then(() => undefined),
    );
  }

  newConnectionId(): string {
    return String(this.nextConnectionId++);
  }

  /** Warnings so far, for a connection that has just opened. */
  configWarnings(): readonly ConfigWarningNotification[] {
    return this.warnings;
  }

  /** A warning raised after start-up (telemetry): every connection hears it, and later ones too. */
  addWarning(warning: ConfigWarningNotification): void {
    this.warnings.push(warning);
    for (const c of this.connections) c.warnings.add(warning);
  }

  /** To every initialized connection: what happens to threads (started, renamed, …). */
  broadcast(method: string, params: unknown): void {
    for (const c of this.connections) if (c.session.initialized) c.notify(method, params);
  }

  /**
   * thread/status/changed, once per change, to every initialized connection but v1-only ones. A
   * connection waiting for a reply about the thread (turn/start) gets it after that reply;
   * notLoaded is not held: thread/closed follows it at once.
   */
  broadcastThreadStatus(threadId: string, status: ThreadStatus): void {
    const params = { threadId, status };
    for (const c of this.connections) {
      if (!c.session.initialized || c.session.v1Only) continue;
      if (status.type === "notLoaded") c.notify("thread/status/changed", params);
      else c.notifyThread(threadId, "thread/status/changed", params);
    }
  }

  loadFaces(): Promise<ConversationFaces> {
    return (this.faces ??= import("./conversation-faces.js").then((m) =>
      m.createConversationFaces({
        config: this.config,
        log: this.log,
        subscriptions: this.subscriptions,
        broadcastThreadStatus: (threadId, status) => this.broadcastThreadStatus(threadId, status),
      }),
    ));
  }
}
