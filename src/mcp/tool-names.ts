// The names MCP tools are offered to the model under: `mcp__<server>__<tool>`, with every character
// the model API refuses (outside [a-zA-Z0-9_-]) replaced by `_`, and names over 64 characters cut
// and ended with the SHA-1 of the raw name, as the reference does: the same tool keeps the same
// name across runs, and `a.b` and `a_b` stay two tools.
import { createHash } from "node:crypto";

const DELIMITER = "__";
const MAX_TOOL_NAME_LENGTH = 64;

export interface NamedTool<T> {
  server: string;
  tool: string;
  value: T;
}

function sanitize(name: string): string {
  const out = name.replace(/[^a-zA-Z0-9_-]/g, "_");
  return out === "" ? "_" : out;
}

export function qualifiedToolName(server: string, tool: string): string {
  const raw = `mcp${DELIMITER}${server}${DELIMITER}${tool}`;
  const name = sanitize(raw);
  if (name.length <= MAX_TOOL_NAME_LENGTH) return name;
  const hash = createHash("sha1").update(raw).digest("hex");
  return name.slice(0, MAX_TOOL_NAME_LENGTH - hash.length) + hash;
}

/** Qualified name → tool; a later tool whose name is already taken is left out. */
export function qualifyTools<T>(tools: Iterable<NamedTool<T>>): Map<string, NamedTool<T>> {
  const out = new Map<string, NamedTool<T>>();
  for (const tool of tools) {
    const name = qualifiedToolName(tool.server, tool.tool);
    if (!out.has(name)) out.set(name, tool);
  }
  return out;
}

/** Whether a server's config lets the model see `tool`. */
export function toolAllowed(config: { enabledTools?: string[]; disabledTools: string[] }, tool: string): boolean {
  if (config.enabledTools && !config.enabledTools.includes(tool)) return false;
  return !config.disabledTools.includes(tool);
}
