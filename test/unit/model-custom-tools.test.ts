// Custom (freeform) tools on the Responses wire, and which apply_patch form a model is offered.
import { describe, expect, it } from "vitest";
import { applyPatchToolType, toolsFor } from "../../src/core/tool-selection.js";
import { chatMessages, chatTool } from "../../src/model/chat-request.js";
import { buildRequestBody, mapSseEvent, parseResponseItem, toWireItem } from "../../src/model/wire.js";
import { APPLY_PATCH_FREEFORM_TOOL } from "../../src/tools/apply-patch/index.js";

describe("custom tool calls on the wire", () => {
  it("parses custom_tool_call and custom_tool_call_output items and sends them back without ids", () => {
    const call = parseResponseItem({ type: "custom_tool_call", id: "ctc_1", status: "completed", call_id: "c1", name: "apply_patch", input: "PATCH" });
    expect(call).toEqual({ type: "custom_tool_call", id: "ctc_1", call_id: "c1", name: "apply_patch", input: "PATCH" });
    expect(toWireItem(call!)).toEqual({ type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "PATCH" });
    const output = parseResponseItem({ type: "custom_tool_call_output", call_id: "c1", output: "Success." });
    expect(toWireItem(output!)).toEqual({ type: "custom_tool_call_output", call_id: "c1", output: "Success." });
    expect(parseResponseItem({ type: "custom_tool_call", name: "apply_patch" })).toBeUndefined();
  });

  it("acts on output_item.done, not on input deltas", () => {
    expect(mapSseEvent("response.custom_tool_call_input.delta", { item_id: "ctc_1", delta: "*** Begin" })).toBeUndefined();
    const done = mapSseEvent("response.output_item.done", { item: { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "P" } });
    expect(done).toEqual({ type: "output_item_done", item: { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "P" } });
  });

  it("sends a freeform tool as { type: custom, format: grammar/lark }", () => {
    const body = JSON.parse(buildRequestBody({ model: "m", instructions: "", input: [], tools: [APPLY_PATCH_FREEFORM_TOOL], conversationId: "x" }));
    expect(body.tools).toEqual([
      { type: "custom", name: "apply_patch", description: APPLY_PATCH_FREEFORM_TOOL.description, format: { type: "grammar", syntax: "lark", definition: expect.stringContaining("begin_patch") } },
    ]);
  });
});

describe("which apply_patch a model is offered", () => {
  const names = (model: string, flag: unknown, wireApi: "responses" | "chat" = "responses") =>
    toolsFor({ model, wireApi, applyPatchFreeform: flag, includePlanTool: true }).map((t) => `${t.type}:${t.name}`);

  it("freeform for the codex and gpt-5.1 families, the function for gpt-oss, none for gpt-5 or others unless the feature is on", () => {
    for (const model of ["gpt-5.1-codex", "gpt-5-codex", "codex-1", "gpt-5.1", "gpt-5.1-codex-max"]) expect(applyPatchToolType(model, undefined)).toBe("freeform");
    expect(applyPatchToolType("gpt-oss-20b", undefined)).toBe("function");
    for (const model of ["gpt-5", "gpt-4.1", "o3", "test-model"]) expect(applyPatchToolType(model, undefined)).toBe(null);
    expect(names("gpt-5.1-codex", undefined)).toEqual(["function:shell", "function:update_plan", "custom:apply_patch"]);
    expect(names("gpt-oss-120b", undefined)).toEqual(["function:shell", "function:update_plan", "function:apply_patch"]);
    expect(names("gpt-5", undefined)).toEqual(["function:shell", "function:update_plan"]);
    expect(names("gpt-5", true)).toContain("custom:apply_patch");
  });

  it("the JSON function where the wire has no custom tools (Chat Completions)", () => {
    expect(names("gpt-5.1-codex", undefined, "chat")).toContain("function:apply_patch");
  });
});

describe("custom tools on the Chat Completions wire", () => {
  it("go as functions taking { input }, and freeform calls in the history as function calls", () => {
    expect(chatTool(APPLY_PATCH_FREEFORM_TOOL)).toMatchObject({ type: "function", function: { name: "apply_patch", parameters: { required: ["input"] } } });
    expect(
      chatMessages("", [
        { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "PATCH" },
        { type: "custom_tool_call_output", call_id: "c1", output: "Success." },
      ]),
    ).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "apply_patch", arguments: '{"input":"PATCH"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "Success." },
    ]);
  });
});
