// model/list over the real bin: the provider's GET /models when it answers (with the model
// requests' auth and originator), else the built-in Codex models; paging, hidden models, caching.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpError, startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

type ModelEntry = JsonObject & { id: string; hidden: boolean; isDefault: boolean };

async function list(s: ServerProcess, params: JsonObject = {}): Promise<{ data: ModelEntry[]; nextCursor: string | null }> {
  const res = await s.request("model/list", params);
  expect(res.error).toBeUndefined();
  // Every page conforms to codex 0.169's ModelListResponse, defaulted fields required.
  expect(referenceSchemaProblems(loadReferenceSchema("v2/ModelListResponse.json"), res.result)).toEqual([]);
  return res.result as { data: ModelEntry[]; nextCursor: string | null };
}

function modelRequests(m: FakeModelServer) {
  return m.requests.filter((r) => r.method === "GET" && r.path.endsWith("/models"));
}

describe("model/list", () => {
  it("lists the provider's models from GET /models, with its auth headers, and caches the answer", async () => {
    model.serveModels({ object: "list", data: [{ id: "gpt-5.1-codex", object: "model" }, { id: "local-llama", object: "model" }] });
    const s = await startInitialized(start, fakeProviderToml(model));
    const first = await list(s);
    expect(first.nextCursor).toBeNull();
    expect(first.data.map((m) => m.id)).toEqual(["gpt-5.1-codex", "local-llama"]);
    expect(first.data[0]).toMatchObject({
      model: "gpt-5.1-codex",
      hidden: false,
      isDefault: true,
      defaultReasoningEffort: "medium",
      supportedReasoningEfforts: [
        { reasoningEffort: "low", description: expect.any(String) },
        { reasoningEffort: "medium", description: expect.any(String) },
        { reasoningEffort: "high", description: expect.any(String) },
      ],
      inputModalities: ["text", "image"],
      upgrade: null,
      serviceTiers: [],
    });
    expect(first.data[1]).toMatchObject({ displayName: "local-llama", isDefault: false, supportedReasoningEfforts: [] });
    const [request] = modelRequests(model);
    expect(request?.headers.authorization).toBe("Bearer sk-fake-123");
    // The originator model requests carry: the initializing client's name.
    expect(request?.headers.originator).toBe("v1_ide");

    expect(await list(s)).toEqual(first);
    expect(modelRequests(model)).toHaveLength(1);
  });

  it("falls back to the built-in Codex models when the provider has no listing; pages them and hides hidden ones", async () => {
    model.enqueue(httpError(404, "not found"));
    const s = await startInitialized(start, fakeProviderToml(model).replace('model = "test-model"', 'model = "gpt-5.1"'));
    const all = await list(s);
    expect(all.data.map((m) => m.id)).toEqual(["gpt-5.1-codex-max", "gpt-5.1-codex", "gpt-5.1-codex-mini", "gpt-5.1"]);
    expect(all.data.filter((m) => m.isDefault).map((m) => m.id)).toEqual(["gpt-5.1"]);
    expect(all.data[0]?.supportedReasoningEfforts).toHaveLength(4);

    const withHidden = await list(s, { includeHidden: true });
    expect(withHidden.data.filter((m) => m.hidden).map((m) => m.id)).toEqual(["gpt-5-codex", "gpt-5"]);

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: ModelEntry[]; nextCursor: string | null } = await list(s, { limit: 3, includeHidden: true, ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(3);
      ids.push(...page.data.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(withHidden.data.map((m) => m.id));
  });

  it("lists another configured provider's models (an oss server) when modelProvider names it", async () => {
    const other = await startFakeModelServer();
    try {
      other.serveModels({ data: [{ id: "gpt-oss:20b" }, { id: "qwen3:8b" }] });
      model.enqueue(httpError(500, "no listing"));
      const s = await startInitialized(start, fakeProviderToml(model), { env: { CODEX_OSS_BASE_URL: other.url } });
      const res = await list(s, { modelProvider: "ollama" });
      expect(res.data.map((m) => m.id)).toEqual(["gpt-oss:20b", "qwen3:8b"]);
      expect(modelRequests(other)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("names the bad field: a negative limit, an unknown provider, a cursor of the wrong type", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const negative = await s.request("model/list", { limit: -1 });
    expect(negative.error).toMatchObject({ code: -32602, message: expect.stringContaining("limit") });
    const unknown = await s.request("model/list", { modelProvider: "nope" });
    expect(unknown.error).toMatchObject({ code: -32602, message: expect.stringContaining("modelProvider") });
    const cursor = await s.request("model/list", { cursor: 5 });
    expect(cursor.error).toMatchObject({ code: -32602, message: expect.stringContaining("cursor") });
    expect(modelRequests(model)).toHaveLength(0);
  });
});
