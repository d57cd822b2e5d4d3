// What the model reads back from an MCP call, as the reference (codex 0.90) sends it:
// structuredContent (when present) JSON-serialised; else, when a block is an image, the blocks as
// content items (text as input_text, images as data: URLs, any other block as its JSON text);
// else the content blocks JSON-serialised. A failed call is "err: <reason>".
import type { FunctionCallOutputContent } from "../model/types.js";
import type { CallToolResult } from "./session.js";

export interface McpCallOutput {
  output: string | FunctionCallOutputContent[];
  success: boolean;
}

export function callOutput(result: CallToolResult): McpCallOutput {
  const success = result.isError !== true;
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return { output: JSON.stringify(result.structuredContent), success };
  }
  const blocks: unknown[] = Array.isArray(result.content) ? result.content : [];
  if (!blocks.some(isImage)) return { output: JSON.stringify(result.content), success };
  return { output: blocks.map(contentItem), success };
}

type Block = Record<string, unknown>;

function isImage(block: unknown): block is Block & { data: string } {
  return typeof block === "object" && block !== null && (block as Block).type === "image" && typeof (block as Block).data === "string";
}

function contentItem(block: unknown): FunctionCallOutputContent {
  if (isImage(block)) {
    // Servers may already send a data: URL; otherwise one is built from the base64 data.
    if (block.data.startsWith("data:")) return { type: "input_image", image_url: block.data };
    const mime = typeof block.mimeType === "string" ? block.mimeType : typeof block.mime_type === "string" ? block.mime_type : "application/octet-stream";
    return { type: "input_image", image_url: `data:${mime};base64,${block.data}` };
  }
  if (typeof block === "object" && block !== null && (block as Block).type === "text" && typeof (block as Block).text === "string") {
    return { type: "input_text", text: (block as Block).text as string };
  }
  return { type: "input_text", text: JSON.stringify(block) };
}

/** The output as text, for logs and telemetry: items as their JSON (as the reference displays them). */
export function outputText(output: string | FunctionCallOutputContent[]): string {
  return typeof output === "string" ? output : JSON.stringify(output);
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
