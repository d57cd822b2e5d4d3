// What the model reads back from an MCP call, as codex 0.90 sends it (watched against a fake
// Responses server): structuredContent (when present) as JSON in the server's key order, else the
// content blocks as JSON the way 0.90's typed blocks serialise: keys sorted, `_meta` left out.
// Images and resources included: 0.90 sends no content items, so an image reaches the model as
// its base64 text (on the chat wire too). A failed call is "err: <reason>".
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
  return { output: blocksJson(result.content), success };
}

/** JSON with every object's keys in UTF-8 byte order (serde's field order in 0.90's generated types), without `_meta`. */
function blocksJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : blocksJson(v))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => k !== "_meta" && record[k] !== undefined)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${blocksJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
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
