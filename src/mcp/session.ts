// What a connected MCP server looks like to the rest of the server (the SDK stays in mcp-sdk.ts).
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";

export interface McpSession {
  client: Client;
  /** The stdio server's pid (its process group's id); null for HTTP. */
  readonly pid: number | null;
  /** Ends the connection; a stdio server's process group is killed. */
  close(): Promise<void>;
  /** At process exit: SIGKILL to a stdio server's process group, synchronously. */
  killNow(): void;
}

export type ElicitationAnswer = { action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> };

/** Answers a server's elicitation/create request (the params as the server sent them). */
export type ElicitHandler = (params: Record<string, unknown>, signal: AbortSignal) => Promise<ElicitationAnswer>;

export type StartupStatus = { state: "starting" } | { state: "ready" } | { state: "failed"; error: string } | { state: "cancelled" };

/** An MCP tool as the server lists it. */
export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; openWorldHint?: boolean; title?: string };
  [key: string]: unknown;
}

/** The result of tools/call, as the server sent it (checked by the SDK). */
export interface CallToolResult {
  content: Record<string, unknown>[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: unknown;
}
