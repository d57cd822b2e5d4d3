// The model API rejects a request whose input holds a function call without its output. A call
// loses its output when the turn running it was interrupted, or when the process died mid-command
// and the conversation was resumed from its rollout; as in the reference, such a call is answered
// "aborted" in the request (history and rollout stay as they were).
import type { ResponseItem } from "../model/types.js";

export const ABORTED_CALL_OUTPUT = "aborted";

/** `items`, with an "aborted" output right after every function or custom tool call that has none. */
export function withCallOutputs(items: readonly ResponseItem[]): ResponseItem[] {
  const answered = new Set<string>();
  for (const item of items) if (item.type === "function_call_output" || item.type === "custom_tool_call_output") answered.add(item.call_id);
  const out: ResponseItem[] = [];
  for (const item of items) {
    out.push(item);
    if (item.type === "function_call" && !answered.has(item.call_id)) {
      out.push({ type: "function_call_output", call_id: item.call_id, output: ABORTED_CALL_OUTPUT });
    } else if (item.type === "custom_tool_call" && !answered.has(item.call_id)) {
      out.push({ type: "custom_tool_call_output", call_id: item.call_id, output: ABORTED_CALL_OUTPUT });
    }
  }
  return out;
}
