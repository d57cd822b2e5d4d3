// When an MCP tool call needs the user's approval, from the tool's own annotations, as the
// reference decides it: a destructive tool always asks; a tool that says it is not read-only and
// reaches the outside world asks; anything else (no annotations included) runs.
import type { McpTool } from "./session.js";

export function requiresMcpToolApproval(annotations: McpTool["annotations"]): boolean {
  if (!annotations) return false;
  if (annotations.destructiveHint === true) return true;
  return annotations.readOnlyHint === false && annotations.openWorldHint === true;
}

/** The question the user sees, worded as the reference words it. */
export function mcpApprovalQuestion(server: string, tool: McpTool): string {
  const destructive = tool.annotations?.destructiveHint === true;
  const openWorld = tool.annotations?.openWorldHint === true;
  const reason =
    destructive && openWorld
      ? "may modify data and access external systems"
      : destructive
        ? "may modify or delete data"
        : openWorld
          ? "may access external systems"
          : "may have side effects";
  const label = tool.title ?? tool.annotations?.title ?? tool.name;
  return `The ${server} MCP server wants to run the tool "${label}", which ${reason}. Allow this action?`;
}
