// Everything behind the conversation methods (engine, model client, tools, rollouts, both protocol
// faces), loaded on the first conversation request: a client that only initializes never pays
// for it at start-up.
import { ConversationManager } from "../core/conversation-manager.js";
import { killAllRunningCommands } from "../tools/exec.js";
import { FsWatches } from "../workspace/fs-watches.js";
import { OneOffSessions } from "./one-off-exec.js";
import { callMcpTool, createMcpManager, listMcpServerStatus, readMcpResource } from "./mcp-handlers.js";
import { v1Handlers, type FaceDeps, type HandlerTable } from "./v1/register.js";
import { v2Handlers } from "./v2/register.js";

export interface ConversationFaces {
  handlers: HandlerTable;
  /** Stops turns and commands and writes rollouts out. */
  shutdown(): Promise<void>;
}

/** How long an idle conversation no client listens to stays loaded (CODEX_APP_SERVER_UNLOAD_IDLE_MS). */
const UNLOAD_IDLE_AFTER_MS = 60_000;

function unloadIdleAfterMs(env: NodeJS.ProcessEnv): number {
  const given = Number(env.CODEX_APP_SERVER_UNLOAD_IDLE_MS);
  return env.CODEX_APP_SERVER_UNLOAD_IDLE_MS !== undefined && Number.isFinite(given) && given >= 0 ? given : UNLOAD_IDLE_AFTER_MS;
}

export function createConversationFaces(deps: Omit<FaceDeps, "manager" | "oneOffs" | "watches">): ConversationFaces {
  // MCP servers are shared by every thread of this process; they start when first needed.
  const mcp = createMcpManager({
    connection: deps.connection,
    config: deps.config,
    log: deps.log,
    env: process.env,
    approvalPolicyOf: (threadId) => manager.get(threadId)?.settings.approvalPolicy,
  });
  const manager = new ConversationManager({
    config: deps.config,
    env: process.env,
    pace: deps.pace,
    log: deps.log,
    unloadIdleAfterMs: unloadIdleAfterMs(process.env),
    mcp,
  });
  // The shutdown deadline may cut an async flush short: what is still queued goes out now.
  process.once("exit", () => {
    manager.writeQueuedSync();
    mcp.killAllNow();
  });
  const oneOffs = new OneOffSessions();
  const watches = new FsWatches((watchId, changedPaths) => deps.notify("fs/changed", { watchId, changedPaths }));
  const faceDeps: FaceDeps = { ...deps, manager, oneOffs, watches };
  return {
    handlers: {
      ...v1Handlers(faceDeps),
      ...v2Handlers(faceDeps),
      "mcpServerStatus/list": (p: Parameters<typeof listMcpServerStatus>[1]) => listMcpServerStatus(mcp, p),
      "config/mcpServer/reload": async () => {
        await mcp.reload();
        return {};
      },
      "mcpServer/resource/read": (p: Parameters<typeof readMcpResource>[1]) => readMcpResource(mcp, p),
      "mcpServer/tool/call": (p: Parameters<typeof callMcpTool>[1]) => callMcpTool(mcp, p),
    },
    async shutdown() {
      watches.closeAll();
      const commandsEnded = oneOffs.terminateAll();
      killAllRunningCommands();
      await commandsEnded;
      // Turns stop first (their MCP calls fail), then the servers' process groups are killed.
      await manager.closeAll();
      await mcp.shutdown();
    },
  };
}
