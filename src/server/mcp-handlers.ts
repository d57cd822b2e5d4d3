// v2 MCP methods over the process's MCP servers, and the bridge that turns a server's
// elicitation into an `mcpServer/elicitation/request` to the client. They work before any thread:
// listing starts the servers if nothing did yet.
import type { MessageConnection } from "vscode-jsonrpc/node";
import { loadConfigSource, deriveConfig, type ConfigSource } from "../config/load.js";
import { resolveMcpServers, type McpServerConfig } from "../config/mcp-servers.js";
import type { Logger } from "../logging/logger.js";
import { McpManager, type CallerContext } from "../mcp/connection-manager.js";
import type { ElicitationAnswer } from "../mcp/session.js";
import { toolAllowed } from "../mcp/tool-names.js";
import type { ListMcpServerStatusParams, McpResourceReadParams, McpServerStatus, McpServerToolCallParams } from "../protocol/v2/mcp.js";
import { rpcErrors } from "../rpc/errors.js";
import { askClient } from "./ask-client.js";

const DEFAULT_PAGE = 100;

/** The configured servers of a config source; none while config.toml is broken. */
export function configuredMcpServers(source: ConfigSource, env: NodeJS.ProcessEnv): McpServerConfig[] {
  try {
    return resolveMcpServers(deriveConfig(source, {}, env).table.mcp_servers).servers;
  } catch {
    return [];
  }
}

export interface McpBridgeDeps {
  /** The client to ask on a thread's behalf (its turn's owner, else a follower), if any is left. */
  clientFor(threadId: string): MessageConnection | undefined;
  config: ConfigSource;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** The approval policy of a thread (elicitations are declined under `never`). */
  approvalPolicyOf(threadId: string): string | undefined;
}

export function createMcpManager(deps: McpBridgeDeps): McpManager {
  let source = deps.config;
  let first = true;
  return new McpManager({
    env: deps.env,
    log: deps.log,
    servers: () => {
      // Reload reads config.toml again; the start reads what the server started with.
      if (!first) source = loadConfigSource(deps.env, deps.config.cliOverrides);
      first = false;
      return configuredMcpServers(source, deps.env);
    },
    elicit: (server, params, caller, signal) => elicit(deps, server, params, caller, signal),
  });
}

async function elicit(
  deps: McpBridgeDeps,
  server: string,
  params: Record<string, unknown>,
  caller: CallerContext | undefined,
  signal: AbortSignal,
): Promise<ElicitationAnswer> {
  // No thread to ask for, or a policy that never asks the user: declined, as the reference does.
  if (!caller || deps.approvalPolicyOf(caller.threadId) === "never") return { action: "decline" };
  const client = deps.clientFor(caller.threadId);
  if (!client) return { action: "decline" };
  const mode = typeof params.mode === "string" ? params.mode : "form";
  const request = {
    threadId: caller.threadId,
    turnId: caller.turnId,
    serverName: server,
    ...params,
    mode,
    ...(mode === "form" && isObject(params.requestedSchema) ? { requestedSchema: formSchemaView(params.requestedSchema) } : {}),
  };
  const answer = await askClient(client, "mcpServer/elicitation/request", request, signal, deps.log, caller.threadId);
  if (typeof answer !== "object" || answer === null) return { action: "cancel" };
  const { action, content } = answer as { action?: unknown; content?: unknown };
  if (action !== "accept" && action !== "decline" && action !== "cancel") return { action: "cancel" };
  return action === "accept" && typeof content === "object" && content !== null ? { action, content: content as Record<string, unknown> } : { action };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Nullable keys 0.169 spells out on a form's field, by the field's kind (only absent ones become null). */
function fieldNullables(field: Record<string, unknown>): string[] {
  const common = ["title", "description", "default"];
  switch (field.type) {
    case "string":
      if (Array.isArray(field.enum)) return field.enumNames !== undefined ? [...common, "enumNames"] : common;
      if (Array.isArray(field.oneOf)) return common;
      return [...common, "format", "minLength", "maxLength"];
    case "number":
    case "integer":
      return [...common, "minimum", "maximum"];
    case "array":
      return [...common, "minItems", "maxItems"];
    default:
      return common;
  }
}

function withNulls(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...value };
  for (const key of keys) if (out[key] === undefined) out[key] = null;
  return out;
}

/** An MCP form schema as 0.169 writes it: its optional keys present, null when the server gave none. */
function formSchemaView(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const fields: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(properties)) fields[name] = isObject(field) ? withNulls(field, fieldNullables(field)) : field;
  return { ...withNulls(schema, ["$schema", "required"]), properties: fields };
}

export async function listMcpServerStatus(manager: McpManager, params: ListMcpServerStatusParams) {
  await manager.startAll();
  const servers = manager.configured.filter((c) => !params.serverName || c.name === params.serverName);
  const start = params.cursor ? Number.parseInt(params.cursor, 10) : 0;
  if (!Number.isInteger(start) || start < 0 || start > servers.length) throw rpcErrors.invalidRequest(`invalid cursor: ${params.cursor}`);
  const limit = params.limit && params.limit > 0 ? params.limit : DEFAULT_PAGE;
  const page = servers.slice(start, start + limit);
  const data = await Promise.all(page.map((config) => serverStatus(manager, config)));
  const next = start + page.length;
  return { data, nextCursor: next < servers.length ? String(next) : null };
}

async function serverStatus(manager: McpManager, config: McpServerConfig): Promise<McpServerStatus> {
  const connection = manager.connection(config.name);
  const t = config.transport;
  const status = connection?.status;
  const ready = status?.state === "ready";
  const tools: Record<string, Record<string, unknown>> = {};
  if (status?.state === "ready") for (const tool of connection!.tools) if (toolAllowed(config, tool.name)) tools[tool.name] = toolView(tool);
  return {
    name: config.name,
    pluginId: null,
    authStatus: t.kind === "http" && t.bearerTokenEnvVar !== undefined ? "bearerToken" : "unsupported",
    tools,
    resources: ready ? (await connection!.listResources().catch(() => [])).map(resourceView) : [],
    // A server that lists resources but not templates (the method is optional) shows none.
    resourceTemplates: ready ? (await connection!.listResourceTemplates().catch(() => [])).map(resourceTemplateView) : [],
    runtimeStatus: !config.enabled
      ? "disabled"
      : status === undefined
        ? "notStarted"
        : status.state === "ready"
          ? "connected"
          : status.state,
    toolsError: status?.state === "failed" ? status.error : null,
    serverInfo: connection?.serverInfo ? serverInfoView(connection.serverInfo) : null,
    serverCapabilities: connection?.capabilities ?? null,
    httpOrigin: t.kind === "http" ? new URL(t.url).origin : null,
  };
}

// 0.169 spells out its nullable fields (a server may leave them out): null where the server gave none.
function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

function toolView(tool: Record<string, unknown>): Record<string, unknown> {
  return { ...tool, title: orNull(tool.title), description: orNull(tool.description), icons: orNull(tool.icons) };
}

function resourceView(resource: Record<string, unknown>): Record<string, unknown> {
  return {
    ...resource,
    title: orNull(resource.title),
    description: orNull(resource.description),
    mimeType: orNull(resource.mimeType),
    size: orNull(resource.size),
    icons: orNull(resource.icons),
  };
}

function resourceTemplateView(template: Record<string, unknown>): Record<string, unknown> {
  return { ...template, title: orNull(template.title), description: orNull(template.description), mimeType: orNull(template.mimeType) };
}

function serverInfoView(info: Record<string, unknown>): Record<string, unknown> {
  return {
    ...info,
    version: typeof info.version === "string" ? info.version : "",
    title: orNull(info.title),
    description: orNull(info.description),
    icons: orNull(info.icons),
    websiteUrl: orNull(info.websiteUrl),
  };
}

export async function readMcpResource(manager: McpManager, params: McpResourceReadParams) {
  if (!manager.configured.some((c) => c.name === params.server && c.enabled)) throw rpcErrors.invalidRequest(`unknown MCP server '${params.server}'`);
  try {
    // No app-specific resource scoping here: no originating call.
    return { ...(await manager.readResource(params.server, params.uri)), originCallId: null };
  } catch (error) {
    throw rpcErrors.invalidRequest(error instanceof Error ? error.message : String(error));
  }
}

export async function callMcpTool(manager: McpManager, params: McpServerToolCallParams) {
  if (!manager.configured.some((c) => c.name === params.server && c.enabled)) throw rpcErrors.invalidRequest(`unknown MCP server '${params.server}'`);
  const args = params.arguments;
  if (args !== undefined && args !== null && (typeof args !== "object" || Array.isArray(args))) throw rpcErrors.invalidParams("arguments", "expected an object");
  try {
    const result = await manager.callTool(params.server, params.tool, (args ?? undefined) as Record<string, unknown> | undefined, { threadId: params.threadId, turnId: null }, {
      signal: new AbortController().signal,
    });
    return { content: result.content, ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}), isError: result.isError ?? null };
  } catch (error) {
    throw rpcErrors.invalidRequest(error instanceof Error ? error.message : String(error));
  }
}
