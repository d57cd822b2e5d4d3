// How long a conversation lives and what its end does: closing or archiving drops queued turns,
// idle conversations release their rollout files, and one rollout is loaded once.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { created, cut, functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, openConversation, say, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const tempDir = useTempDirs(afterEach);
const start = useServers(afterEach, expectOnlyJsonLines);

const touchCall = (marker: string) =>
  functionCallTurn({ callId: "call_touch", name: "shell", arguments: JSON.stringify({ command: ["touch", marker] }) });

/** A first turn whose stream never ends, and a second message queued behind it that would touch `marker`. */
async function busyWithQueuedTurn(marker: string) {
  const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
  model.enqueue(cut(textTurn("never finishes"), 1, "hang"), touchCall(marker), textTurn("touched"));
  const conversation = await openConversation(s);
  await say(s, conversation.conversationId, "hang");
  await s.waitFor(() => (model.requests.length === 1 ? true : undefined), 10_000, "the first model request");
  await say(s, conversation.conversationId, "touch the marker");
  return { s, ...conversation };
}

describe("queued turns", () => {
  it("are dropped, not started, at stdin EOF", async () => {
    const marker = path.join(tempDir(), "marker");
    const { s } = await busyWithQueuedTurn(marker);
    const exit = await s.closeStdin();
    expect(exit.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(model.requests).toHaveLength(1);
  });

  it("are dropped, not started, when the conversation is archived", async () => {
    const marker = path.join(tempDir(), "marker");
    const { s, conversationId, rolloutPath } = await busyWithQueuedTurn(marker);
    expect((await s.request("archiveConversation", { conversationId, rolloutPath })).result).toEqual({});
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect(existsSync(marker)).toBe(false);
    expect(model.requests).toHaveLength(1);
  });
});
