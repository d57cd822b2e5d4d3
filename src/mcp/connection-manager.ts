// The MCP servers of this process, shared by all its threads: started in parallel the first time
// something needs them (a thread's first turn, mcpServerStatus/list), stopped at shutdown and on
// reload. It names their tools for the model and routes calls back to the right server.
import type { McpServerConfig } from "../config/mcp-servers.js";
import type { Logger } from "../logging/logger.js";
import type { ToolSpec } from "../model/types.js";
import { McpServerConnection, type CallOptions } from "./server-connection.js";
import type { CallToolResult, ElicitationAnswer, McpTool, StartupStatus } from "./session.js";
import { qualifyTools, toolAllowed } from "./tool-names.js";

export type StatusListener = (server: string, status: StartupStatus) => void;

/** Who a server's elicitation is for: the thread (and turn) whose call is running on it. */
export interface CallerContext {
  threadId: string;
  turnId: string | null;
}

export interface McpManagerDeps {
  env: NodeJS.ProcessEnv;
  log?: Logger;
  /** The configured servers (enabled or not), read again on reload. */
  servers(): McpServerConfig[];
  /** A server asks the user something; undefined caller: no thread is calling it. */
  elicit(server: string, params: Record<string, unknown>, caller: CallerContext | undefined, signal: AbortSignal): Promise<ElicitationAnswer>;
}

export interface ResolvedTool {
  server: string;
  tool: McpTool;
}

export class McpManager {
  private servers: McpServerConfig[];
  private connections = new Map<string, McpServerConnection>();
  private readonly listeners = new Set<StatusListener>();
  private readonly callers = new Map<string, CallerContext[]>();
  /** Bumped by reload: conversations report the new servers' startup again. */
  generation = 0;

  constructor(private readonly deps: McpManagerDeps) {
    this.servers = deps.servers();
  }

  /** Every configured server, sorted by name. */
  get configured(): McpServerConfig[] {
    return [...this.servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get hasServers(): boolean {
    return this.servers.some((s) => s.enabled);
  }

  connection(name: string): McpServerConnection | undefined {
    return this.connections.get(name);
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the enabled servers not started yet, in parallel; resolves when each is ready or failed. */
  async startAll(): Promise<void> {
    const starts: Promise<unknown>[] = [];
    for (const config of this.servers) {
      if (!config.enabled) continue;
      let connection = this.connections.get(config.name);
      if (!connection) {
        connection = new McpServerConnection(config, {
          env: this.deps.env,
          ...(this.deps.log ? { log: this.deps.log } : {}),
          onStatus: (server, status) => {
            for (const listener of this.listeners) listener(server, status);
          },
          onElicit: (server) => (params, signal) => {
            const callers = this.callers.get(server);
            return this.deps.elicit(server, params, callers?.[callers.length - 1], signal);
          },
        });
        this.connections.set(config.name, connection);
        starts.push(connection.start());
      } else if (connection.status.state === "starting") {
        starts.push(connection.start());
      }
    }
    await Promise.all(starts);
  }

  /** Tools offered to the model: qualified names of the ready servers' allowed tools. */
  qualifiedTools(): Map<string, ResolvedTool> {
    const named = [];
    for (const connection of this.connections.values()) {
      if (connection.status.state !== "ready") continue;
      for (const tool of connection.tools) {
        if (toolAllowed(connection.config, tool.name)) named.push({ server: connection.name, tool: tool.name, value: tool });
      }
    }
    const out = new Map<string, ResolvedTool>();
    for (const [name, entry] of qualifyTools(named)) out.set(name, { server: entry.server, tool: entry.value });
    return out;
  }

  toolSpecs(): ToolSpec[] {
    return [...this.qualifiedTools()].map(([name, { tool }]) => toolSpec(name, tool));
  }

  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, caller: CallerContext, options: CallOptions): Promise<CallToolResult> {
    const connection = this.connections.get(server) ?? (await this.startAll(), this.connections.get(server));
    if (!connection) throw new Error(`unknown MCP server '${server}'`);
    if (!toolAllowed(connection.config, tool)) throw new Error(`tool '${tool}' is disabled for MCP server '${server}'`);
    const callers = this.callers.get(server) ?? [];
    callers.push(caller);
    this.callers.set(server, callers);
    try {
      return await connection.callTool(tool, args, options);
    } finally {
      callers.splice(callers.indexOf(caller), 1);
    }
  }

  async readResource(server: string, uri: string): Promise<{ contents: Record<string, unknown>[] }> {
    const connection = this.connections.get(server) ?? (await this.startAll(), this.connections.get(server));
    if (!connection) throw new Error(`unknown MCP server '${server}'`);
    return connection.readResource(uri);
  }

  /** Asks the user (an elicitation form with no fields) whether `tool` may run; anything but accept is no. */
  async askToolApproval(server: string, tool: string, message: string, caller: CallerContext, signal: AbortSignal): Promise<boolean> {
    const answer = await this.deps.elicit(
      server,
      { mode: "form", message, requestedSchema: { type: "object", properties: {} }, _meta: { codex_approval_kind: "mcp_tool_call", tool } },
      caller,
      signal,
    );
    return answer.action === "accept";
  }

  /** Stops every server and reads the configuration again; servers start again on next need. */
  async reload(): Promise<void> {
    const old = [...this.connections.values()];
    this.connections = new Map();
    this.servers = this.deps.servers();
    this.generation++;
    await Promise.allSettled(old.map((c) => c.close()));
  }

  /** At process exit (the shutdown deadline may have cut close() short): no server outlives us. */
  killAllNow(): void {
    for (const connection of this.connections.values()) connection.killNow();
  }

  async shutdown(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}

/** The function tool the model sees for an MCP tool: its description and input schema. */
function toolSpec(name: string, tool: McpTool): ToolSpec {
  const schema: Record<string, unknown> = { ...(typeof tool.inputSchema === "object" && tool.inputSchema !== null ? tool.inputSchema : {}) };
  // The model API wants an object schema with properties, even for tools without arguments.
  if (schema.type === undefined) schema.type = "object";
  if (schema.type === "object" && schema.properties === undefined) schema.properties = {};
  return { type: "function", name, description: tool.description ?? tool.title ?? "", strict: false, parameters: schema };
}
