// fileChange items rebuilt from a rollout's patch_apply_end lines (thread/resume, thread/read).
import { describe, expect, it } from "vitest";
import type { RolloutLine } from "../../src/rollout/types.js";
import { buildTurns } from "../../src/server/v2/thread-view.js";

const at = Date.parse("2026-12-02T00:00:00.000Z");
const line = (type: RolloutLine["type"], payload: unknown): RolloutLine => ({ timestamp: "2026-12-02T00:00:00.000Z", type, payload });
const changes = { "/w/a.txt": { type: "update", unified_diff: "@@ -1 +1 @@\n-a\n+b\n", move_path: null }, "/w/0.txt": { type: "add", content: "x\n" } };
const v2Changes = [
  { path: "/w/0.txt", kind: { type: "add" }, diff: "x\n" },
  { path: "/w/a.txt", kind: { type: "update", move_path: null }, diff: "@@ -1 +1 @@\n-a\n+b\n" },
];

describe("fileChange items in rebuilt turns", () => {
  it("shows each patch with its status, in place of the shell command that carried it", () => {
    const turns = buildTurns([
      line("event_msg", { type: "user_message", message: "edit" }),
      line("response_item", { type: "custom_tool_call", call_id: "p1", name: "apply_patch", input: "…" }),
      line("event_msg", { type: "patch_apply_end", call_id: "p1", success: false, status: "declined", changes }),
      line("response_item", { type: "custom_tool_call_output", call_id: "p1", output: "patch rejected by user" }),
      line("response_item", { type: "function_call", call_id: "s1", name: "shell", arguments: JSON.stringify({ command: ["apply_patch", "…"] }) }),
      line("event_msg", { type: "patch_apply_end", call_id: "s1", success: true, changes }),
      line("response_item", { type: "function_call_output", call_id: "s1", output: "Success." }),
      line("response_item", { type: "function_call", call_id: "c1", name: "shell", arguments: JSON.stringify({ command: ["ls"] }) }),
    ]);
    expect(turns[0]!.items.slice(1)).toEqual([
      // Times from the lines: a shell call that carried the patch started when it was made.
      { type: "fileChange", id: "p1", changes: v2Changes, status: "declined", startedAtMs: null, completedAtMs: at },
      { type: "fileChange", id: "s1", changes: v2Changes, status: "completed", startedAtMs: at, completedAtMs: at },
      expect.objectContaining({ type: "commandExecution", id: "c1", command: "ls" }),
    ]);
  });
});
