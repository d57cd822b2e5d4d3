// What the model reads back from an MCP call, as codex 0.90 sends it (watched against a fake
// Responses server): structuredContent (when present) as JSON in the server's key order, else the
// content blocks as JSON the way 0.90's typed blocks serialise: only the fields it knows, in
// alphabetical order (`_meta` and newer fields such as `icons` left out).
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

// The fields 0.90's content block types know (it drops any other, `_meta` too), per block type.
const BLOCK_FIELDS: Record<string, readonly string[]> = {
  text: ["annotations", "text", "type"],
  image: ["annotations", "data", "mimeType", "type"],
  audio: ["annotations", "data", "mimeType", "type"],
  resource_link: ["annotations", "description", "mimeType", "name", "size", "title", "type", "uri"],
  resource: ["annotations", "resource", "type"],
};
const RESOURCE_FIELDS = ["blob", "mimeType", "text", "uri"];
const ANNOTATION_FIELDS = ["audience", "lastModified", "priority"];

/** The blocks as 0.90 serialises them: known fields only, in its (alphabetical) field order. */
function blocksJson(content: unknown): string {
  if (!Array.isArray(content)) return JSON.stringify(content);
  return `[${content.map(blockJson).join(",")}]`;
}

function blockJson(block: unknown): string {
  if (!isRecord(block)) return JSON.stringify(block ?? null);
  const fields = typeof block.type === "string" ? BLOCK_FIELDS[block.type] : undefined;
  // A block type 0.90 does not know: all its fields but `_meta`, sorted.
  return objectJson(block, fields ?? Object.keys(block).filter((k) => k !== "_meta").sort(), (key, value) => {
    if (key === "annotations" && isRecord(value)) return objectJson(value, ANNOTATION_FIELDS, annotationJson);
    if (key === "resource" && isRecord(value)) return objectJson(value, RESOURCE_FIELDS, (_k, v) => JSON.stringify(v));
    return JSON.stringify(value);
  });
}

// priority is a float there: a whole number is written as 1.0.
function annotationJson(key: string, value: unknown): string {
  if (key === "priority" && typeof value === "number" && Number.isInteger(value)) return `${value}.0`;
  return JSON.stringify(value);
}

function objectJson(record: Record<string, unknown>, fields: readonly string[], valueJson: (key: string, value: unknown) => string): string {
  const present = fields.filter((k) => record[k] !== undefined);
  return `{${present.map((k) => `${JSON.stringify(k)}:${valueJson(k, record[k])}`).join(",")}}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
