// An MCP result with an image goes back to the model as the reference (codex 0.90) sends it: a
// function_call_output whose output is content items (input_text / input_image with a data: URL,
// other blocks as their JSON text), as image_url parts on the Chat Completions wire; the rollout
// keeps the items so a resumed conversation sends them again. Text-only results stay a string.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatTextTurn, chatToolCallTurn } from "../support/fake-chat.js";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { stdioServerToml } from "../support/mcp-servers.js";
// @ts-expect-error plain ESM helper shared with benches
import { RED_DOT_PNG } from "../support/mcp-test-server.mjs";
import { killProcessesWith } from "../support/processes.js";
import { expectOnlyJsonLines, useServers, type JsonObject } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
let marker: string;
beforeEach(() => {
  model = fakeModel();
  marker = `mcp-img-marker-${randomUUID()}`;
});
const tempDir = useTempDirs(afterEach, "mcp-images-");
const start = useServers(afterEach, expectOnlyJsonLines);
afterEach(() => killProcessesWith(marker));

const IMAGE_URL = `data:image/png;base64,${RED_DOT_PNG as string}`;
const IMAGE_ITEMS = [
  { type: "input_text", text: "a red dot" },
  { type: "input_image", image_url: IMAGE_URL },
  { type: "input_text", text: JSON.stringify({ type: "resource", resource: { uri: "mem://hello", mimeType: "text/plain", text: "hello from a resource" } }) },
];

const call = (callId: string, name: string, args: unknown = {}) => functionCallTurn({ callId, name, arguments: JSON.stringify(args) });

function outputIn(request: { body: Record<string, unknown> }, callId: string): unknown {
  const item = (request.body.input as JsonObject[]).find((i) => i.type === "function_call_output" && i.call_id === callId);
  return item?.output;
}

describe("MCP image results", () => {
  it("sends content items with the image on the Responses wire, keeps text results a string, and sends the items again after resume", async () => {
    const home = tempDir();
    const toml = fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`]));
    const first = await startInitialized(start, toml, { codexHome: home });
    model.enqueue(call("c1", "mcp__tools__image"), call("c2", "mcp__tools__echo", { text: "hi" }), textTurn("done"));
    const conversation = await openConversation(first);
    await say(first, conversation.conversationId, "look");
    await turnsEnded(first);

    expect(outputIn(model.requests[1]!, "c1")).toEqual(IMAGE_ITEMS);
    expect(outputIn(model.requests[2]!, "c2")).toBe(JSON.stringify([{ type: "text", text: "echo: hi" }]));
    await first.closeStdin();

    const second = await startInitialized(start, toml, { codexHome: home });
    const resumed = await second.request("resumeConversation", { path: conversation.rolloutPath });
    expect(resumed.error).toBeUndefined();
    const conversationId = (resumed.result as { conversationId: string }).conversationId;
    await second.request("addConversationListener", { conversationId });
    model.enqueue(textTurn("again"));
    await say(second, conversationId, "and now?");
    await turnsEnded(second);
    const last = model.requests[model.requests.length - 1]!;
    expect(outputIn(last, "c1")).toEqual(IMAGE_ITEMS);
    expect(outputIn(last, "c2")).toBe(JSON.stringify([{ type: "text", text: "echo: hi" }]));
  });

  it("sends the tool message as text and image_url parts on the Chat Completions wire", async () => {
    const toml = fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])).replace('wire_api = "responses"', 'wire_api = "chat"');
    const s = await startInitialized(start, toml);
    model.enqueue(
      chatToolCallTurn({ id: "c1", name: "mcp__tools__image", parts: ["{}"] }),
      chatToolCallTurn({ id: "c2", name: "mcp__tools__echo", parts: ['{"text":"hi"}'] }),
      chatTextTurn(["ok"]),
    );
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "look");
    await turnsEnded(s);
    const tool = (id: string) => (model.requests[2]!.body.messages as JsonObject[]).find((m) => m.role === "tool" && m.tool_call_id === id);
    expect(tool("c1")?.content).toEqual([
      { type: "text", text: "a red dot" },
      { type: "image_url", image_url: { url: IMAGE_URL } },
      { type: "text", text: IMAGE_ITEMS[2]!.text },
    ]);
    expect(tool("c2")?.content).toBe(JSON.stringify([{ type: "text", text: "echo: hi" }]));
  });
});
