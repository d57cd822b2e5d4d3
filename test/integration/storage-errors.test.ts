// A session store that cannot be used is reported with the path and the cause, by the methods that
// create rollouts and by the ones that list them; a store not created yet is just empty history.
// Tests run as root in CI, where permission bits do not stop anything: the EACCES case runs only as
// another user, and "a file where a directory must be" (ENOTDIR) stands in for it everywhere.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const INTERNAL_ERROR = -32603;

async function errorOf(s: ServerProcess, method: string, params: Record<string, unknown>) {
  const res = await s.request(method, params);
  expect(res.result).toBeUndefined();
  return res.error;
}

describe("session store errors", () => {
  it("with sessions a regular file, start and list answer an error naming it", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const sessions = path.join(s.codexHome, "sessions");
    writeFileSync(sessions, "not a folder");
    const create = { code: INTERNAL_ERROR, message: `cannot create the rollout file: ${sessions} is not a directory` };
    expect(await errorOf(s, "newConversation", { cwd: process.cwd() })).toEqual(create);
    expect(await errorOf(s, "thread/start", { cwd: process.cwd() })).toEqual(create);
    const list = { code: INTERNAL_ERROR, message: `cannot list sessions: ${sessions} is not a directory` };
    expect(await errorOf(s, "listConversations", {})).toEqual(list);
    expect(await errorOf(s, "thread/list", {})).toEqual(list);
    // The server keeps serving.
    expect((await s.request("getUserAgent")).result).toMatchObject({ userAgent: expect.any(String) });
  });

  it("a file in the middle of the dated tree is named when a conversation starts", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const year = path.join(s.codexHome, "sessions", String(new Date().getFullYear()));
    mkdirSync(path.dirname(year), { recursive: true });
    writeFileSync(year, "");
    expect(await errorOf(s, "newConversation", { cwd: process.cwd() })).toEqual({
      code: INTERNAL_ERROR,
      message: `cannot create the rollout file: ${year} is not a directory`,
    });
  });

  it("a store not created yet lists as empty history", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    expect((await s.request("listConversations", {})).result).toEqual({ items: [], nextCursor: null });
    expect((await s.request("thread/list", {})).result).toEqual({ data: [], nextCursor: null, backwardsCursor: null });
    expect((await s.request("thread/list", { archived: true })).result).toEqual({ data: [], nextCursor: null, backwardsCursor: null });
  });

  it.skipIf(process.getuid?.() === 0)("a CODEX_HOME that is not writable is reported as permission denied", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    chmodSync(s.codexHome, 0o500);
    try {
      const error = await errorOf(s, "newConversation", { cwd: process.cwd() });
      expect(error).toMatchObject({ code: INTERNAL_ERROR, message: expect.stringMatching(/^cannot create the rollout file: .*permission denied \(EACCES\)$/) });
    } finally {
      chmodSync(s.codexHome, 0o700);
    }
  });
});
