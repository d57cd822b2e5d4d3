import { describe, expect, it } from "vitest";
import { withCallOutputs } from "../../src/core/call-outputs.js";
import type { ResponseItem } from "../../src/model/types.js";

const call = (id: string): ResponseItem => ({ type: "function_call", call_id: id, name: "shell", arguments: "{}" });
const output = (id: string, text: string): ResponseItem => ({ type: "function_call_output", call_id: id, output: text });
const user: ResponseItem = { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] };

describe("withCallOutputs", () => {
  it("answers a call that has no output 'aborted', right after the call", () => {
    expect(withCallOutputs([user, call("a"), user])).toEqual([user, call("a"), output("a", "aborted"), user]);
  });

  it("leaves answered calls and other items alone, and does not modify its input", () => {
    const items = [user, call("a"), output("a", "done"), call("b")];
    expect(withCallOutputs(items)).toEqual([user, call("a"), output("a", "done"), call("b"), output("b", "aborted")]);
    expect(items).toHaveLength(4);
  });

  it("answers an unanswered custom tool call (apply_patch) with a custom_tool_call_output", () => {
    const custom: ResponseItem = { type: "custom_tool_call", call_id: "p", name: "apply_patch", input: "*** Begin Patch" };
    const answered: ResponseItem = { type: "custom_tool_call_output", call_id: "q", output: "ok" };
    const other: ResponseItem = { ...custom, call_id: "q" };
    expect(withCallOutputs([custom, other, answered])).toEqual([
      custom,
      { type: "custom_tool_call_output", call_id: "p", output: "aborted" },
      other,
      answered,
    ]);
  });
});
