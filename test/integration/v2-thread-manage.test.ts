// thread/unarchive and thread/name/set over the real bin: what a client sees, also after a restart.
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
    const archiveReply = await s.request("thread/archive", { threadId: thread.id });
    expect(archiveReply.error).toBeUndefined();
    expect(ids((await s.request("thread/list", {})).result)).toEqual([]);
    // Announced to v2 clients after the reply, as 0.169 does.
    const archived = s.messages.findIndex((m) => m.method === "thread/archived");
    expect(s.notifications("thread/archived").map((m) => m.params)).toEqual([{ threadId: thread.id }]);
    expect(archived).toBeGreaterThan(s.messages.findIndex((m) => m.id === archiveReply.id && "result" in m));

    const res = await s.request("thread/unarchive", { threadId: thread.id });
    expect(res.error).toBeUndefined();
    const restored = (res.result as { thread: JsonObject }).thread;
    expect(restored).toMatchObject({ id: thread.id, preview: "before archiving", path: thread.path });
    expect(existsSync(String(thread.path))).toBe(true);
    await s.waitFor(() => s.notifications("thread/unarchived")[0], 5_000, "thread/unarchived");
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

describe("thread/name/set", () => {
  it("names a thread: notifies, and thread/read, thread/list and thread/resume report the name, also in a fresh process", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithOneTurn(s, "to be named");
    const other = await threadWithOneTurn(s, "left unnamed");
    expect(thread.name).toBeNull();
    expect((await s.request("thread/name/set", { threadId: thread.id, name: "first name" })).result).toEqual({});
    expect((await s.request("thread/name/set", { threadId: thread.id, name: "  Better name " })).result).toEqual({});
    const notes = s.notifications("thread/name/updated").map((m) => m.params);
    expect(notes).toEqual([
      { threadId: thread.id, threadName: "first name" },
      { threadId: thread.id, threadName: "Better name" },
    ]);
    expect(referenceSchemaProblems(loadReferenceSchema("v2/ThreadNameUpdatedNotification.json"), notes[0])).toEqual([]);
    const read = (await s.request("thread/read", { threadId: thread.id })).result as { thread: JsonObject };
    expect(read.thread.name).toBe("Better name");
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const list = (await again.request("thread/list", {})).result as { data: JsonObject[] };
    expect(Object.fromEntries(list.data.map((t) => [t.id, t.name]))).toEqual({ [String(thread.id)]: "Better name", [String(other.id)]: null });
    const byUpdate = (await again.request("thread/list", { sortKey: "updated_at" })).result as { data: JsonObject[] };
    expect(byUpdate.data.find((t) => t.id === thread.id)?.name).toBe("Better name");
    expect(((await again.request("thread/read", { threadId: thread.id })).result as { thread: JsonObject }).thread.name).toBe("Better name");
    const resumed = (await again.request("thread/resume", { threadId: thread.id })).result as { thread: JsonObject };
    expect(resumed.thread.name).toBe("Better name");
  });

  it("refuses an empty name, an unknown thread and bad params, and keeps serving", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithOneTurn(s, "q");
    const empty = await s.request("thread/name/set", { threadId: thread.id, name: "   " });
    expect(empty.error).toMatchObject({ code: -32600, message: "thread name must not be empty" });
    const unknown = await s.request("thread/name/set", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", name: "x" });
    expect(unknown.error).toMatchObject({ code: -32600, message: "no rollout found for thread id 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    const noName = await s.request("thread/name/set", { threadId: thread.id });
    expect(noName.error?.code).toBe(-32602);
    expect(noName.error?.message).toContain("name");
    const noId = await s.request("thread/name/set", { name: "x" });
    expect(noId.error?.code).toBe(-32602);
    expect(noId.error?.message).toContain("threadId");
    expect(s.notifications("thread/name/updated")).toEqual([]);
    expect(((await s.request("thread/read", { threadId: thread.id })).result as { thread: JsonObject }).thread.name).toBeNull();
  });
});
