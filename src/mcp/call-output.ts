// What the model reads back from an MCP call, as the reference sends it: structuredContent (when
// present) or the content blocks, JSON-serialised; a failed call is "err: <reason>".
import type { CallToolResult } from "./session.js";

export interface McpCallOutput {
  output: string;
  success: boolean;
}

export function callOutput(result: CallToolResult): McpCallOutput {
  const success = result.isError !== true;
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return { output: JSON.stringify(result.structuredContent), success };
  }
  return { output: JSON.stringify(result.content), success };
}

export function callErrorOutput(message: string): McpCallOutput {
  return { output: `err: ${message}`, success: false };
}

/** The model's arguments: none (empty) or a JSON object. */
export function parseMcpArguments(text: string): { args: Record<string, unknown> | undefined } | { error: string } {
  if (text.trim() === "") return { args: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `failed to parse function arguments: ${(e as Error).message}` };
  }
  if (value === null) return { args: undefined };
  if (typeof value !== "object" || Array.isArray(value)) return { error: "failed to parse function arguments: expected a JSON object" };
  return { args: value as Record<string, unknown> };
}
