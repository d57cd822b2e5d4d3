// The chat client below the turn loop: request body details, the decoder's events, and the
// telemetry hooks it shares with the Responses client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createChatClient } from "../../src/model/chat-client.js";
import { buildChatRequestBody, chatMessages } from "../../src/model/chat-request.js";
import type { ApiRequestReport, SseEventReport } from "../../src/model/streaming-client.js";
import type { ModelEvent, ModelRequest, ResponseItem } from "../../src/model/types.js";
import { chatStream, chatTextTurn, deltaChunk } from "../support/fake-chat.js";
import { httpError, startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";
import { testProvider } from "../support/provider.js";

let server: FakeModelServer;
let home: string;
beforeEach(async () => {
  server = await startFakeModelServer();
  home = mkdtempSync(path.join(tmpdir(), "chat-client-"));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

const request: ModelRequest = { model: "m", instructions: "be brief", input: [], tools: [], conversationId: "conv-1" };

async function collect(over: { requestMaxRetries?: number } = {}, hooks: { api?: ApiRequestReport[]; sse?: SseEventReport[] } = {}): Promise<ModelEvent[]> {
  const client = createChatClient(testProvider({ baseUrl: server.url, wireApi: "chat", ...over }), {
    codexHome: home,
    env: {},
    sleep: async () => {},
    ...(hooks.api ? { onApiRequest: (r: ApiRequestReport) => hooks.api!.push(r) } : {}),
    ...(hooks.sse ? { onSseEvent: (r: SseEventReport) => hooks.sse!.push(r) } : {}),
  });
  const out: ModelEvent[] = [];
  for await (const e of client.stream(request, new AbortController().signal)) out.push(e);
  return out;
}

describe("chat request messages", () => {
  it("developer context goes as system, images as parts, reasoning is dropped, calls join the assistant message before their results", () => {
    const items: ResponseItem[] = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions/>" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AA" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "hmm" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Running it." }] },
      { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
      { type: "function_call", call_id: "c2", name: "shell", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "one" },
      { type: "function_call_output", call_id: "c2", output: "two" },
    ];
    expect(chatMessages("sys", items)).toEqual([
      { role: "system", content: "sys" },
      { role: "system", content: "<permissions/>" },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AA" } }] },
      {
        role: "assistant",
        content: "Running it.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "shell", arguments: "{}" } },
          { id: "c2", type: "function", function: { name: "shell", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "one" },
      { role: "tool", tool_call_id: "c2", content: "two" },
    ]);
  });
});

describe("chat request body", () => {
  it("no tools: neither tools nor tool_choice (some servers reject tool_choice alone)", () => {
    const body = JSON.parse(buildChatRequestBody(request));
    expect(body).toEqual({ model: "m", messages: [{ role: "system", content: "be brief" }], stream: true, stream_options: { include_usage: true } });
  });

  it("an output schema asks for json_schema output; an output cap is max_tokens", () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } } };
    const body = JSON.parse(buildChatRequestBody({ ...request, outputSchema: schema, maxOutputTokens: 64 }));
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "codex_output_schema", strict: true, schema } });
    expect(body.max_tokens).toBe(64);
  });
});

describe("chat stream decoding", () => {
  it("a call sent whole without an index (Ollama) and one without an id still become function calls", async () => {
    server.enqueue(
      chatStream([
        deltaChunk({ tool_calls: [{ function: { name: "shell", arguments: { command: ["ls"] } } }] }),
        deltaChunk({}, "tool_calls"),
      ]),
    );
    const done = (await collect()).filter((e) => e.type === "output_item_done").map((e) => (e as { item: ResponseItem }).item);
    expect(done).toEqual([{ type: "function_call", call_id: expect.stringMatching(/^call_/), name: "shell", arguments: '{"command":["ls"]}' }]);
  });

  it("completed carries the usage chunk that follows finish_reason, and the chunk id", async () => {
    server.enqueue(chatStream([deltaChunk({ content: "hi" }, null, "chatcmpl-7"), deltaChunk({}, "stop", "chatcmpl-7")], { usage: { prompt_tokens: 3, completion_tokens: 2, completion_tokens_details: { reasoning_tokens: 1 } } }));
    const events = await collect();
    expect(events.at(-1)).toEqual({
      type: "completed",
      responseId: "chatcmpl-7",
      usage: { input_tokens: 3, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 1, total_tokens: 5 },
    });
  });

  it("reports codex.api_request and codex.sse_event like the Responses wire (a retried 503, chunks, [DONE])", async () => {
    server.enqueue(httpError(503, "{}"), chatTextTurn(["a"]));
    const api: ApiRequestReport[] = [];
    const sse: SseEventReport[] = [];
    await collect({ requestMaxRetries: 1 }, { api, sse });
    expect(api.map((r) => r.status)).toEqual([503, 200]);
    expect(sse.map((r) => r.kind)).toEqual(["chat.completion.chunk", "chat.completion.chunk", "chat.completion.chunk", "chat.completion.chunk", "[DONE]"]);
    expect(sse.at(-1)!.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
  });
});
