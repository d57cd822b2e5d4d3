// v2 MCP server methods and notifications (codex 0.169's shapes): server status with their tools,
// reload, resource reads, direct tool calls, startup status, and elicitation requests to the client.
import * as s from "../schema.js";

export const ListMcpServerStatusParams = s.object({
  cursor: s.optional(s.nullable(s.string())),
  limit: s.optional(s.nullable(s.integer())),
  serverName: s.optional(s.nullable(s.string())),
  threadId: s.optional(s.nullable(s.string())),
  detail: s.optional(s.nullable(s.enumOf(["full", "toolsAndAuthOnly"]))),
});
export type ListMcpServerStatusParams = s.Infer<typeof ListMcpServerStatusParams>;

const McpTool = s.record(s.unknown());

export const McpServerConnectionStatus = s.enumOf(["notStarted", "starting", "connected", "authenticationRequired", "failed", "cancelled", "disabled"]);
export const McpAuthStatus = s.enumOf(["unknown", "unsupported", "notLoggedIn", "bearerToken", "oAuth"]);

export const McpServerStatus = s.object({
  name: s.string(),
  /** The plugin a server came with; none here (servers come from config.toml only). */
  pluginId: s.nullable(s.string()),
  authStatus: McpAuthStatus,
  tools: s.record(McpTool),
  resources: s.array(s.record(s.unknown())),
  resourceTemplates: s.array(s.record(s.unknown())),
  runtimeStatus: s.nullable(McpServerConnectionStatus),
  toolsError: s.nullable(s.string()),
  serverInfo: s.nullable(s.record(s.unknown())),
  serverCapabilities: s.unknown(),
  httpOrigin: s.nullable(s.string()),
});
export type McpServerStatus = s.Infer<typeof McpServerStatus>;

export const ListMcpServerStatusResponse = s.object({ data: s.array(McpServerStatus), nextCursor: s.nullable(s.string()) });
export type ListMcpServerStatusResponse = s.Infer<typeof ListMcpServerStatusResponse>;

export const McpServerRefreshResponse = s.object({});

export const McpResourceReadParams = s.object({
  server: s.string(),
  uri: s.string(),
  threadId: s.optional(s.nullable(s.string())),
  connectorId: s.optional(s.nullable(s.string())),
  originCallId: s.optional(s.nullable(s.string())),
  target: s.optional(s.unknown()),
  _meta: s.optional(s.unknown()),
});
export type McpResourceReadParams = s.Infer<typeof McpResourceReadParams>;
export const McpResourceReadResponse = s.object({ contents: s.array(s.record(s.unknown())), originCallId: s.nullable(s.string()) });

export const McpServerToolCallParams = s.object({
  threadId: s.string(),
  server: s.string(),
  tool: s.string(),
  arguments: s.optional(s.unknown()),
  _meta: s.optional(s.unknown()),
});
export type McpServerToolCallParams = s.Infer<typeof McpServerToolCallParams>;
export const McpServerToolCallResponse = s.object({
  content: s.array(s.unknown()),
  structuredContent: s.optional(s.unknown()),
  isError: s.optional(s.nullable(s.boolean())),
  _meta: s.optional(s.unknown()),
});
export type McpServerToolCallResponse = s.Infer<typeof McpServerToolCallResponse>;

export const McpServerStatusUpdatedNotification = s.object({
  name: s.string(),
  status: s.enumOf(["starting", "ready", "failed", "cancelled"]),
  error: s.nullable(s.string()),
  failureReason: s.nullable(s.enumOf(["reauthenticationRequired"])),
  threadId: s.nullable(s.string()),
});

export const McpToolCallProgressNotification = s.object({ threadId: s.string(), turnId: s.string(), itemId: s.string(), message: s.string() });

export const McpServerElicitationRequestParams = s.object({
  threadId: s.string(),
  turnId: s.nullable(s.string()),
  serverName: s.string(),
  mode: s.string(),
  message: s.string(),
  requestedSchema: s.optional(s.unknown()),
  url: s.optional(s.string()),
  elicitationId: s.optional(s.string()),
  _meta: s.optional(s.unknown()),
});
export const McpServerElicitationRequestResponse = s.object({
  action: s.enumOf(["accept", "decline", "cancel"]),
  content: s.optional(s.unknown()),
  _meta: s.optional(s.unknown()),
});
