// The `[mcp_servers.<name>]` tables: how to reach each MCP server (a command over stdio, or a
// streamable-HTTP url) and which of its tools to offer. A bad entry is reported (path + reason,
// the loader turns it into a configWarning) and left out; the other servers stand.
import { registerSecret } from "../logging/redact.js";
import { isTable } from "./toml-table.js";

export type McpTransportConfig =
  | { kind: "stdio"; command: string; args: string[]; env: Record<string, string>; envVars: string[]; cwd?: string }
  | { kind: "http"; url: string; bearerTokenEnvVar?: string; httpHeaders: Record<string, string>; envHttpHeaders: Record<string, string> };

export interface McpServerConfig {
  name: string;
  transport: McpTransportConfig;
  enabled: boolean;
  /** Only these tools are offered (all when undefined). */
  enabledTools?: string[];
  disabledTools: string[];
  startupTimeoutMs: number;
  toolTimeoutMs: number;
}

export interface McpConfigIssue {
  path: string[];
  message: string;
}

export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

// The reference qualifies tools as mcp__<server>__<tool>; a server name outside this set could not
// be told apart from the delimiter.
const SERVER_NAME = /^[a-zA-Z0-9_-]+$/;

class EntryIssue extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

export function resolveMcpServers(raw: unknown): { servers: McpServerConfig[]; issues: McpConfigIssue[] } {
  const servers: McpServerConfig[] = [];
  const issues: McpConfigIssue[] = [];
  if (raw === undefined) return { servers, issues };
  if (!isTable(raw)) return { servers, issues: [{ path: ["mcp_servers"], message: "expected a table of servers" }] };
  for (const [name, entry] of Object.entries(raw)) {
    try {
      if (!SERVER_NAME.test(name)) throw new EntryIssue("", `invalid server name \`${name}\`: use letters, digits, '_' and '-' only`);
      servers.push(parseServer(name, entry));
    } catch (e) {
      if (!(e instanceof EntryIssue)) throw e;
      issues.push({ path: e.key ? ["mcp_servers", name, e.key] : ["mcp_servers", name], message: e.message });
    }
  }
  return { servers, issues };
}

function parseServer(name: string, entry: unknown): McpServerConfig {
  if (!isTable(entry)) throw new EntryIssue("", "expected a table");
  const get = <T>(key: string, check: (v: unknown) => v is T, what: string): T | undefined => {
    const v = entry[key];
    if (v === undefined) return undefined;
    if (!check(v)) throw new EntryIssue(key, `${key} must be ${what}`);
    return v;
  };
  const command = get("command", isString, "a string");
  const url = get("url", isString, "a string");
  if (command !== undefined && url !== undefined) throw new EntryIssue("url", "set either `command` (stdio) or `url` (streamable HTTP), not both");
  let transport: McpTransportConfig;
  if (command !== undefined) {
    for (const key of ["bearer_token_env_var", "http_headers", "env_http_headers"]) {
      if (entry[key] !== undefined) throw new EntryIssue(key, `${key} is for streamable HTTP servers (\`url\`), not \`command\``);
    }
    if (command === "") throw new EntryIssue("command", "command must not be empty");
    const cwd = get("cwd", isString, "a string");
    transport = {
      kind: "stdio",
      command,
      args: get("args", isStringArray, "an array of strings") ?? [],
      env: get("env", isStringTable, "a table of strings") ?? {},
      envVars: get("env_vars", isStringArray, "an array of strings") ?? [],
      ...(cwd !== undefined ? { cwd } : {}),
    };
    for (const value of Object.values(transport.env)) registerSecret(value);
  } else if (url !== undefined) {
    for (const key of ["args", "env", "env_vars", "cwd"]) {
      if (entry[key] !== undefined) throw new EntryIssue(key, `${key} is for stdio servers (\`command\`), not \`url\``);
    }
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
    } catch {
      throw new EntryIssue("url", "url must be an http(s) URL");
    }
    const bearer = get("bearer_token_env_var", isString, "a string");
    transport = {
      kind: "http",
      url,
      ...(bearer !== undefined ? { bearerTokenEnvVar: bearer } : {}),
      httpHeaders: get("http_headers", isStringTable, "a table of strings") ?? {},
      envHttpHeaders: get("env_http_headers", isStringTable, "a table of strings") ?? {},
    };
    for (const value of Object.values(transport.httpHeaders)) registerSecret(value);
  } else {
    throw new EntryIssue("", "set `command` (stdio) or `url` (streamable HTTP)");
  }
  const enabledTools = get("enabled_tools", isStringArray, "an array of strings");
  return {
    name,
    transport,
    enabled: get("enabled", isBoolean, "a boolean") ?? true,
    ...(enabledTools !== undefined ? { enabledTools } : {}),
    disabledTools: get("disabled_tools", isStringArray, "an array of strings") ?? [],
    startupTimeoutMs: seconds(get("startup_timeout_sec", isNonNegative, "a non-negative number of seconds")) ?? seconds(get("startup_timeout_ms", isNonNegative, "a non-negative number of milliseconds"), 1) ?? DEFAULT_STARTUP_TIMEOUT_MS,
    toolTimeoutMs: seconds(get("tool_timeout_sec", isNonNegative, "a non-negative number of seconds")) ?? DEFAULT_TOOL_TIMEOUT_MS,
  };
}

function seconds(value: number | undefined, unitMs = 1000): number | undefined {
  return value === undefined ? undefined : Math.round(value * unitMs);
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isNonNegative = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringTable = (v: unknown): v is Record<string, string> => isTable(v) && Object.values(v).every(isString);
