// Resuming a stored rollout: one rollout is loaded once however many resumes race, and a v1 path
// relative to CODEX_HOME names the same file as in v2.
import { readdirSync, readlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
// Before useServers: servers stop before their shared CODEX_HOME goes.
const tempDir = useTempDirs(afterEach, "resume-rollout-");
const start = useServers(afterEach, expectOnlyJsonLines);

/** A conversation with one finished turn, stored by a server that has exited since. */
async function storedConversation(home: string): Promise<{ conversationId: string; rolloutPath: string }> {
  const first = await startInitialized(start, fakeProviderToml(model), { codexHome: home });
  model.enqueue(textTurn("stored answer"));
  const conversation = await openConversation(first);
  await say(first, conversation.conversationId, "store me");
  await turnsEnded(first);
  await first.closeStdin();
  return conversation;
}

function v2(s: ServerProcess, method: string): JsonObject[] {
  return s.notifications(method).map((m) => m.params as JsonObject);
}

/** Descriptors the server holds open on `file`. */
function openOn(s: ServerProcess, file: string): number {
  const dir = `/proc/${s.child.pid}/fd`;
  return readdirSync(dir).filter((fd) => {
    try {
      return readlinkSync(path.join(dir, fd)) === file;
    } catch {
      return false;
    }
  }).length;
}

describe("resume", () => {
  it.runIf(process.platform === "linux")("two concurrent v1 resumeConversation of one path open one writer on it", async () => {
    const home = tempDir();
    const stored = await storedConversation(home);
    const s = await startInitialized(start, fakeProviderToml(model), { codexHome: home });
    s.send({ id: "a", method: "resumeConversation", params: { path: stored.rolloutPath } });
    s.send({ id: "b", method: "resumeConversation", params: { path: stored.rolloutPath } });
    const [a, b] = await Promise.all([s.response("a"), s.response("b")]);
    expect(a.result).toMatchObject({ conversationId: stored.conversationId });
    expect(b.result).toMatchObject({ conversationId: stored.conversationId });
    expect(openOn(s, stored.rolloutPath)).toBeLessThanOrEqual(1);
  });

  it("two concurrent thread/resume of one rollout load one thread, which runs the next turn", async () => {
    const home = tempDir();
    const stored = await storedConversation(home);
    const s = await startInitialized(start, fakeProviderToml(model), { codexHome: home });
    s.send({ id: "a", method: "thread/resume", params: { path: stored.rolloutPath } });
    s.send({ id: "b", method: "thread/resume", params: { threadId: stored.conversationId } });
    const [a, b] = await Promise.all([s.response("a"), s.response("b")]);
    expect((a.result as { thread: JsonObject }).thread.id).toBe(stored.conversationId);
    expect((b.result as { thread: JsonObject }).thread.id).toBe(stored.conversationId);
    expect((await s.request("thread/loaded/list", {})).result).toEqual({ data: [stored.conversationId], nextCursor: null });
    model.enqueue(textTurn("one writer"));
    await s.request("turn/start", { threadId: stored.conversationId, input: [{ type: "text", text: "next" }] });
    await s.waitFor(() => v2(s, "turn/completed")[0], 15_000, "turn/completed of the resumed thread");
    expect(v2(s, "turn/completed")).toMatchObject([{ threadId: stored.conversationId, turn: { status: "completed" } }]);
  });

  it("v1 resumeConversation takes a relative path from CODEX_HOME", async () => {
    const home = tempDir();
    const stored = await storedConversation(home);
    const s = await startInitialized(start, fakeProviderToml(model), { codexHome: home });
    const relative = path.relative(home, stored.rolloutPath);
    expect(relative.startsWith("sessions/")).toBe(true);
    const res = await s.request("resumeConversation", { path: relative });
    expect(res.error).toBeUndefined();
    expect(res.result).toMatchObject({ conversationId: stored.conversationId, rolloutPath: stored.rolloutPath });
  });
});
