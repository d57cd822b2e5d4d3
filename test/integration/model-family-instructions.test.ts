// The base instructions follow the model family: a family not trained on the patch format gets it
// spelled out (unless an apply_patch tool carries it); a Codex family does not.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "family-instructions-");

async function requestFor(modelSlug: string, extraToml = ""): Promise<{ instructions: string; tools: string[] }> {
  const s = await startInitialized(start, fakeProviderToml(model, extraToml, "never"));
  model.enqueue(textTurn("hi"));
  const thread = await s.request("thread/start", { cwd: tempDir(), model: modelSlug });
  expect(thread.error).toBeUndefined();
  const threadId = (thread.result as { thread: { id: string } }).thread.id;
  expect((await s.request("turn/start", { threadId, input: [{ type: "text", text: "hello" }] })).error).toBeUndefined();
  await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
  const body = model.requests.at(-1)!.body as { instructions: string; tools: { name?: string; type: string }[] };
  return { instructions: body.instructions, tools: body.tools.map((t) => t.name ?? t.type) };
}

describe("base instructions by model family", () => {
  it("spell out the patch format for gpt-4.1 (no apply_patch tool), not for gpt-5.1-codex (freeform tool)", async () => {
    const older = await requestFor("gpt-4.1");
    expect(older.tools).not.toContain("apply_patch");
    expect(older.instructions).toContain("## Editing files with apply_patch");
    expect(older.instructions).toContain("*** Update File: path/to/existing.py");

    const codex = await requestFor("gpt-5.1-codex");
    expect(codex.tools).toContain("apply_patch");
    expect(codex.instructions).not.toContain("## Editing files with apply_patch");
  });

  it("a model family that needs no explanation gets the base text only", async () => {
    const unknown = await requestFor("my-local-model");
    expect(unknown.instructions).not.toContain("## Editing files with apply_patch");
    expect(unknown.instructions).toContain("You are a coding agent");
  });
});
