// What the model reads back from an MCP result with an image, a resource or structuredContent, as
// codex 0.90.0 sends it (the strings below are what 0.90.0 sent a fake Responses server for these
// test-server tools): the content blocks as JSON text, only the fields 0.90 knows, sorted, image data
// included as base64; structuredContent in the server's key order. 0.90 sends no content items.
// The same text goes in the chat wire's tool message, and resume sends it again from the rollout.
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

// Verbatim from 0.90.0's request after the call.
const IMAGE_OUTPUT =
  '[{"annotations":{"audience":["user"],"priority":0.5},"text":"a red dot","type":"text"},' +
  `{"data":"${RED_DOT_PNG as string}","mimeType":"image/png","type":"image"},` +
  '{"resource":{"mimeType":"text/plain","text":"hello from a resource","uri":"mem://hello"},"type":"resource"}]';
const NESTED_OUTPUT = '{"zeta":1,"alpha":{"b":2,"a":[{"y":"é","x":null}]},"Beta":true}';
const BLOCKS_OUTPUT =
  '[{"annotations":{"priority":1.0},"text":"t","type":"text"},{"resource":{"text":"hi","uri":"mem://a"},"type":"resource"},' +
  '{"description":"d","mimeType":"text/plain","name":"x","size":3,"title":"X","type":"resource_link","uri":"file:///x"},' +
  '{"data":"AAAA","mimeType":"audio/wav","type":"audio"}]';
const ECHO_OUTPUT = '[{"text":"echo: hi","type":"text"}]';

const call = (callId: string, name: string) => functionCallTurn({ callId, name, arguments: name.endsWith("echo") ? '{"text":"hi"}' : "{}" });

function outputIn(request: { body: Record<string, unknown> }, callId: string): unknown {
  return (request.body.input as JsonObject[]).find((i) => i.type === "function_call_output" && i.call_id === callId)?.output;
}

describe("MCP results the model reads (as 0.90)", () => {
  it("sends image, audio, resource, structured and text results as 0.90's text, and the same again after resume", async () => {
    const home = tempDir();
    const toml = fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`]));
    const first = await startInitialized(start, toml, { codexHome: home });
    model.enqueue(
      call("c1", "mcp__tools__image"),
      call("c2", "mcp__tools__nested"),
      call("c3", "mcp__tools__echo"),
      call("c4", "mcp__tools__blocks"),
      textTurn("done"),
    );
    const conversation = await openConversation(first);
    await say(first, conversation.conversationId, "look");
    await turnsEnded(first);

    expect(outputIn(model.requests[1]!, "c1")).toBe(IMAGE_OUTPUT);
    expect(outputIn(model.requests[2]!, "c2")).toBe(NESTED_OUTPUT);
    expect(outputIn(model.requests[3]!, "c3")).toBe(ECHO_OUTPUT);
    expect(outputIn(model.requests[4]!, "c4")).toBe(BLOCKS_OUTPUT);
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
    expect(["c1", "c2", "c3", "c4"].map((id) => outputIn(last, id))).toEqual([IMAGE_OUTPUT, NESTED_OUTPUT, ECHO_OUTPUT, BLOCKS_OUTPUT]);
  });

  it("sends the same text as the tool message on the Chat Completions wire", async () => {
    const toml = fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])).replace('wire_api = "responses"', 'wire_api = "chat"');
    const s = await startInitialized(start, toml);
    model.enqueue(chatToolCallTurn({ id: "c1", name: "mcp__tools__image", parts: ["{}"] }), chatTextTurn(["ok"]));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "look");
    await turnsEnded(s);
    const tool = (model.requests[1]!.body.messages as JsonObject[]).find((m) => m.role === "tool" && m.tool_call_id === "c1");
    expect(tool?.content).toBe(IMAGE_OUTPUT);
  });
});
