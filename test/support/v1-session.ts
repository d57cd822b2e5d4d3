// Drives v1 conversations of a spawned server against the fake model server.
import type { RpcPeer } from "./rpc-peer.js";
import { expect } from "vitest";
import type { FakeModelServer } from "./fake-model-server.js";
import type { JsonObject, ServerProcess, SpawnOptions } from "./server-process.js";

export function fakeProviderToml(model: FakeModelServer, extra = "", policy = "untrusted"): string {
  return `model = "test-model"
model_provider = "fake"
approval_policy = "${policy}"

[model_providers.fake]
name = "Fake"
base_url = "${model.url}"
wire_api = "responses"
env_key = "FAKE_API_KEY"
request_max_retries = 0
stream_max_retries = 0
${extra}`;
}

export const FAKE_ENV = { FAKE_API_KEY: "sk-fake-123" };

export async function startInitialized(
  start: (options?: SpawnOptions) => ServerProcess,
  configToml: string,
  options: SpawnOptions = {},
): Promise<ServerProcess> {
  const s = start({ ...options, configToml, env: { ...FAKE_ENV, ...options.env } });
  await s.initialize("v1_ide", "9.9");
  return s;
}

/** newConversation + addConversationListener. */
export async function openConversation(s: RpcPeer, params: JsonObject = {}): Promise<{ conversationId: string; rolloutPath: string }> {
  const res = await s.request("newConversation", { cwd: process.cwd(), ...params });
  expect(res.error).toBeUndefined();
  const result = res.result as { conversationId: string; rolloutPath: string };
  const sub = await s.request("addConversationListener", { conversationId: result.conversationId });
  expect(sub.result).toMatchObject({ subscriptionId: expect.any(String) });
  return result;
}

export function say(s: RpcPeer, conversationId: string, text: string) {
  return s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text } }] });
}

export function eventTypes(s: ServerProcess): string[] {
  return s.messages
    .filter((m) => typeof m.method === "string" && m.method.startsWith("codex/event/"))
    .map((m) => (m.method as string).slice("codex/event/".length));
}

export function events(s: ServerProcess, type: string): JsonObject[] {
  return s.notifications(`codex/event/${type}`).map((m) => (m.params as { msg: JsonObject }).msg);
}

/** Waits until `count` turns have ended (task_complete or turn_aborted). */
export async function turnsEnded(s: ServerProcess, count = 1): Promise<void> {
  await s.waitFor(
    () => (events(s, "task_complete").length + events(s, "turn_aborted").length >= count ? true : undefined),
    15_000,
    `${count} turn(s) to end`,
  );
}

export async function approvalRequest(s: RpcPeer, nth = 0): Promise<JsonObject> {
  return s.waitFor(
    () => s.messages.filter((m) => m.method === "execCommandApproval" && "id" in m)[nth],
    15_000,
    "an execCommandApproval request",
  );
}

/** A fake model server per test: `model()` returns the current one. */
export function useFakeModel(
  beforeEachHook: (fn: () => Promise<void>) => void,
  afterEachHook: (fn: () => Promise<void>) => void,
  startServer: () => Promise<FakeModelServer>,
): () => FakeModelServer {
  let current: FakeModelServer | undefined;
  beforeEachHook(async () => {
    current = await startServer();
  });
  afterEachHook(async () => {
    await current?.close();
    current = undefined;
  });
  return () => current!;
}
