// thread/unarchive over the real bin: an archived thread comes back to sessions/ and carries on.
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

async function threadWithOneTurn(s: ServerProcess, question: string): Promise<JsonObject> {
  model.enqueue(textTurn(`answer to ${question}`));
  const thread = ((await s.request("thread/start", { cwd: process.cwd() })).result as { thread: JsonObject }).thread;
  await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: question }] });
  await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
  return thread;
}

const ids = (r: unknown) => (r as { data: JsonObject[] }).data.map((t) => t.id);

describe("thread/unarchive", () => {
  it("brings an archived thread back to thread/list, notifies, and the thread resumes with its history", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithOneTurn(s, "before archiving");
    expect((await s.request("thread/archive", { threadId: thread.id })).error).toBeUndefined();
    expect(ids((await s.request("thread/list", {})).result)).toEqual([]);

    const res = await s.request("thread/unarchive", { threadId: thread.id });
    expect(res.error).toBeUndefined();
    const restored = (res.result as { thread: JsonObject }).thread;
    expect(restored).toMatchObject({ id: thread.id, preview: "before archiving", path: thread.path });
    expect(existsSync(String(thread.path))).toBe(true);
    const note = s.notifications("thread/unarchived").map((m) => m.params);
    expect(note).toEqual([{ threadId: thread.id }]);
    expect(referenceSchemaProblems(loadReferenceSchema("v2/ThreadUnarchivedNotification.json"), note[0])).toEqual([]);
    expect(ids((await s.request("thread/list", {})).result)).toEqual([thread.id]);
    expect(ids((await s.request("thread/list", { archived: true })).result)).toEqual([]);
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    model.enqueue(textTurn("after"));
    const resumed = (await again.request("thread/resume", { threadId: thread.id })).result as { thread: { turns: JsonObject[] } };
    expect(resumed.thread.turns).toHaveLength(1);
    await again.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "after unarchiving" }] });
    await again.waitFor(() => again.notifications("turn/completed")[0], 15_000, "turn/completed");
    expect(JSON.stringify(model.requests.at(-1)!.body.input)).toContain("answer to before archiving");
  });

  it("refuses an id with no archived rollout, a live one, and bad params, and keeps serving", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const live = await threadWithOneTurn(s, "still live");
    const unknown = await s.request("thread/unarchive", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    expect(unknown.error).toMatchObject({ code: -32600, message: "no archived rollout found for thread id 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    const notArchived = await s.request("thread/unarchive", { threadId: live.id });
    expect(notArchived.error?.message).toBe(`no archived rollout found for thread id ${String(live.id)}`);
    const traversal = await s.request("thread/unarchive", { threadId: "../../etc/passwd" });
    expect(traversal.error?.code).toBe(-32600);
    const bad = await s.request("thread/unarchive", {});
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain("threadId");
    expect(s.notifications("thread/unarchived")).toEqual([]);
    expect(ids((await s.request("thread/list", {})).result)).toEqual([live.id]);
  });
});
