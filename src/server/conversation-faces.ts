// Everything behind the conversation methods (engine, model client, tools, rollouts, both protocol
// faces), loaded on the first conversation request: a client that only initializes never pays
// for it at start-up. The conversations and MCP servers are the process's; each connection gets
// its own handler table over them, and its own one-off commands and file watches, which end with it.
import type { MessageConnection } from "vscode-jsonrpc/node";
import { ConversationManager } from "../core/conversation-manager.js";
import { killAllRunningCommands } from "../tools/exec.js";
import { FsWatches } from "../workspace/fs-watches.js";
import type { ConfigSource } from "../config/load.js";
import type { Logger } from "../logging/logger.js";
import { routedApprover } from "./approval-routing.js";
import { callMcpTool, createMcpManager, listMcpServerStatus, readMcpResource } from "./mcp-handlers.js";
import { OneOffSessions } from "./one-off-exec.js";
import type { ThreadSubscriptions } from "./thread-subscriptions.js";
import { v1Handlers, type FaceDeps, type HandlerTable } from "./v1/register.js";
import { v2Handlers } from "./v2/register.js";
import { ThreadStatusTracker } from "./v2/thread-status.js";
import type { ThreadStatus } from "../protocol/v2/thread.js";

export interface ConversationFaces {
  /** The method table of one connection. */
  handlersFor(connection: Omit<FaceDeps, "manager" | "config" | "log" | "subscriptions" | "approver" | "oneOffs" | "watches">): HandlerTable;
  /** Stops turns and commands and writes rollouts out. */
  shutdown(): Promise<void>;
}

export interface ConversationCoreDeps {
  config: ConfigSource;
  log: Logger;
  subscriptions: ThreadSubscriptions;
  broadcastThreadStatus(threadId: string, status: ThreadStatus): void;
}

/** How long an idle conversation no client listens to stays loaded (CODEX_APP_SERVER_UNLOAD_IDLE_MS). */
const UNLOAD_IDLE_AFTER_MS = 60_000;
/** How long an approval waits for a client when every client of its thread left (CODEX_APP_SERVER_APPROVAL_GRACE_MS). */
const APPROVAL_GRACE_MS = 30_000;

function msFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const given = Number(env[name]);
  return env[name] !== undefined && Number.isFinite(given) && given >= 0 ? given : fallback;
}

export function createConversationFaces(deps: ConversationCoreDeps): ConversationFaces {
  const { subscriptions } = deps;
  /** Each open connection's JSON-RPC side, for MCP servers' questions to a thread's client. */
  const clients = new Map<string, MessageConnection>();
  // MCP servers are shared by every thread of this process; they start when first needed. A
  // server's question goes to the client that started the thread's turn, else another follower.
  const mcp = createMcpManager({
    clientFor: (threadId) => {
      const followers = subscriptions.subscribers(threadId).filter((s) => !s.closed.aborted);
      const owner = subscriptions.turnOwner(threadId);
      const pick = followers.find((s) => s.connectionId === owner) ?? followers[0];
      return pick ? clients.get(pick.connectionId) : undefined;
    },
    config: deps.config,
    log: deps.log,
    env: process.env,
    approvalPolicyOf: (threadId) => manager.get(threadId)?.settings.approvalPolicy,
  });
  const manager = new ConversationManager({
    config: deps.config,
    env: process.env,
    // A turn's output waits for the clients that follow its thread, not for the others.
    pace: (conversationId) => subscriptions.pace(conversationId),
    log: deps.log,
    unloadIdleAfterMs: msFromEnv(process.env, "CODEX_APP_SERVER_UNLOAD_IDLE_MS", UNLOAD_IDLE_AFTER_MS),
    mcp,
    // One tracker per loaded thread, told before any client's listener: its status changes go
    // out once each (active before turn/started, idle before turn/completed), to every client.
    onOpen: (conversation) => {
      const status = new ThreadStatusTracker();
      conversation.observe((event) => {
        const changed = status.next(event);
        if (changed) deps.broadcastThreadStatus(conversation.id, changed);
      });
    },
  });
  // Before any connection's own unload listener: notLoaded comes before thread/closed.
  manager.onUnload((id) => deps.broadcastThreadStatus(id, { type: "notLoaded" }));
  const approver = routedApprover(subscriptions, msFromEnv(process.env, "CODEX_APP_SERVER_APPROVAL_GRACE_MS", APPROVAL_GRACE_MS));
  // The shutdown deadline may cut an async flush short: what is still queued goes out now.
  process.once("exit", () => {
    manager.writeQueuedSync();
    mcp.killAllNow();
  });
  /** Every open connection's one-off commands and watches. */
  const perConnection = new Set<{ oneOffs: OneOffSessions; watches: FsWatches }>();
  return {
    handlersFor(connection) {
      const own = {
        oneOffs: new OneOffSessions(),
        watches: new FsWatches((watchId, changedPaths) => connection.notify("fs/changed", { watchId, changedPaths })),
      };
      perConnection.add(own);
      clients.set(connection.connectionId, connection.connection);
      connection.closed.addEventListener(
        "abort",
        () => {
          perConnection.delete(own);
          clients.delete(connection.connectionId);
          own.watches.closeAll();
          void own.oneOffs.terminateAll();
        },
        { once: true },
      );
      const faceDeps: FaceDeps = { ...connection, ...own, manager, config: deps.config, log: deps.log, subscriptions, approver };
      return {
        ...v1Handlers(faceDeps),
        ...v2Handlers(faceDeps),
        "mcpServerStatus/list": (p: Parameters<typeof listMcpServerStatus>[1]) => listMcpServerStatus(mcp, p),
        "config/mcpServer/reload": async () => {
          await mcp.reload();
          return {};
        },
        "mcpServer/resource/read": (p: Parameters<typeof readMcpResource>[1]) => readMcpResource(mcp, p),
        "mcpServer/tool/call": (p: Parameters<typeof callMcpTool>[1]) => callMcpTool(mcp, p),
      };
    },
    async shutdown() {
      const commandsEnded: Promise<unknown>[] = [];
      for (const own of perConnection) {
        own.watches.closeAll();
        commandsEnded.push(own.oneOffs.terminateAll());
      }
      killAllRunningCommands();
      await Promise.all(commandsEnded);
      // Turns stop first (their MCP calls fail), then the servers' process groups are killed.
      await manager.closeAll();
      await mcp.shutdown();
    },
  };
}
