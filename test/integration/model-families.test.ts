// Model families as a client sees them: the context window in token counts (v1 and v2), config
// overrides, and the output cap in the request on both wires.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatTextTurn } from "../support/fake-chat.js";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { v2Face } from "../support/turn-faces.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

function toml(modelName: string, extra = "", wire: "responses" | "chat" = "responses"): string {
  return fakeProviderToml(model, "", "never")
    .replace('model = "test-model"', `model = "${modelName}"\n${extra}`)
    .replace('wire_api = "responses"', `wire_api = "${wire}"`);
}

async function v2TokenUsage(s: ServerProcess): Promise<JsonObject> {
  const { id } = await v2Face.open(s);
  await v2Face.say(s, id, "hi");
  await v2Face.turnEnded(s, id, 1);
  const n = s.notifications("thread/tokenUsage/updated").at(-1)!;
  return (n.params as { tokenUsage: JsonObject }).tokenUsage;
}

describe("model families", () => {
  it("v2 thread/tokenUsage/updated reports the known model's context window (95 % of 272,000)", async () => {
    const s = await startInitialized(start, toml("gpt-5.1-codex"));
    model.enqueue(textTurn("ok"));
    expect((await v2TokenUsage(s)).modelContextWindow).toBe(258_400);
  });

  it("v1 task_started and token_count carry it too (gpt-oss over chat: 96,000 → 91,200)", async () => {
    const s = await startInitialized(start, toml("gpt-oss:20b", "", "chat"));
    model.enqueue(chatTextTurn(["ok"]));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "x");
    await turnsEnded(s);
    expect(events(s, "task_started")[0]).toMatchObject({ model_context_window: 91_200 });
    const counts = events(s, "token_count").filter((e) => e.info !== null);
    expect(counts.at(-1)).toMatchObject({ info: { model_context_window: 91_200 } });
  });

  it("an unknown model reports no window; model_context_window sets one", async () => {
    const unknown = await startInitialized(start, toml("local-llama"));
    model.enqueue(textTurn("ok"));
    expect((await v2TokenUsage(unknown)).modelContextWindow).toBeNull();
    const configured = await startInitialized(start, toml("local-llama", "model_context_window = 32000"));
    model.enqueue(textTurn("ok"));
    expect((await v2TokenUsage(configured)).modelContextWindow).toBe(30_400);
  });

  it("model_max_output_tokens caps the response: max_output_tokens (Responses), max_tokens (chat)", async () => {
    const responses = await startInitialized(start, toml("gpt-5.1-codex", "model_max_output_tokens = 777"));
    model.enqueue(textTurn("ok"));
    await v2TokenUsage(responses);
    expect(model.requests[0]!.body).toMatchObject({ max_output_tokens: 777 });
    const chat = await startInitialized(start, toml("gpt-oss:20b", "model_max_output_tokens = 555", "chat"));
    model.enqueue(chatTextTurn(["ok"]));
    await v2TokenUsage(chat);
    expect(model.requests[1]!.body).toMatchObject({ max_tokens: 555 });
    expect(model.requests[1]!.body).not.toHaveProperty("max_output_tokens");
  });

  it("reasoning parameters go only to models whose family takes them", async () => {
    const known = await startInitialized(start, toml("gpt-5.1-codex", 'model_reasoning_effort = "high"'));
    model.enqueue(textTurn("ok"));
    await v2TokenUsage(known);
    expect(model.requests[0]!.body.reasoning).toEqual({ effort: "high", summary: "auto" });
    const unknown = await startInitialized(start, toml("local-llama", 'model_reasoning_effort = "high"'));
    model.enqueue(textTurn("ok"));
    await v2TokenUsage(unknown);
    expect(model.requests[1]!.body.reasoning).toBeNull();
  });

  it("a non-positive model_context_window is a config error naming the key", async () => {
    const s = start({ configToml: toml("local-llama", "model_context_window = -5"), env: { FAKE_API_KEY: "k" } });
    await s.initialize("ide", "1");
    const res = await s.request("thread/start", { cwd: process.cwd() });
    expect(res.error?.message).toMatch(/model_context_window must be a positive number of tokens/);
  });
});
