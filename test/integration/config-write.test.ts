// config/read (effective values and their layers), config/value/write and config/batchWrite (in-place,
// atomic, validated, versioned), configRequirements/read and v1 setDefaultModel, over the real bin.
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";

const start = useServers(afterEach);

// Versions the 0.169 reference reported for this file and `-c model_verbosity=low` (sha256 of each layer's table).
const REF_TOML = 'model = "o3"\napproval_policy = "never"\n\n[profiles.fast]\nmodel = "gpt-5"\n';
const REF_USER_VERSION = "sha256:c47978e96710d01cecb62450fd9af5e75d2fc39604bf2aadfab7debe83f0336d";
const REF_FLAGS_VERSION = "sha256:20c92f6cb329899d5f51422764ed50bb76230e88983ea9b48cd5cba17ab57898";

const PROVIDER = `
[model_providers.local]
name = "Local"
base_url = "http://127.0.0.1:9/v1"
`;

async function started(configToml: string, args: string[] = []): Promise<ServerProcess> {
  const s = start({ configToml, args });
  await s.initialize();
  return s;
}

function fileOf(s: ServerProcess): string {
  return readFileSync(`${s.codexHome}/config.toml`, "utf8");
}

async function ok(s: ServerProcess, method: string, params?: unknown): Promise<JsonObject> {
  const res = await s.request(method, params);
  expect(res.error).toBeUndefined();
  return res.result as JsonObject;
}

describe("config/read", () => {
  it("reports effective values, where each came from, and the layers with the reference's versions", async () => {
    const s = await started(REF_TOML, ["-c", "model_verbosity=low"]);
    const file = `${s.codexHome}/config.toml`;
    const user = { name: { type: "user", file, profile: null }, version: REF_USER_VERSION };
    const flags = { name: { type: "sessionFlags" }, version: REF_FLAGS_VERSION };
    const read = await ok(s, "config/read", { includeLayers: true });
    expect(read.config).toMatchObject({
      model: "o3",
      approval_policy: "never",
      model_verbosity: "low",
      // Not set anywhere: the built-in default, and no origin.
      sandbox_mode: "read-only",
      service_tier: null,
      profiles: { fast: { model: "gpt-5" } },
    });
    expect(read.origins).toEqual({ model: user, approval_policy: user, "profiles.fast.model": user, model_verbosity: flags });
    expect(read.layers).toEqual([
      { ...flags, config: { model_verbosity: "low" }, disabledReason: null },
      { ...user, config: { model: "o3", approval_policy: "never", profiles: { fast: { model: "gpt-5" } } }, disabledReason: null },
    ]);
    const plain = await ok(s, "config/read", {});
    expect(plain.layers).toBeNull();
    expect(plain.origins).toEqual(read.origins);
  });

  it("names the selected profile as the origin of the keys it sets", async () => {
    const s = await started('profile = "fast"\nmodel = "o3"\n\n[profiles.fast]\nmodel = "gpt-5"\n');
    const read = await ok(s, "config/read", { includeLayers: true, cwd: "/tmp" });
    expect(read.config).toMatchObject({ model: "gpt-5", profile: "fast" });
    expect((read.origins as Record<string, JsonObject>).model!.name).toEqual({ type: "user", file: `${s.codexHome}/config.toml`, profile: "fast" });
    expect((read.layers as JsonObject[]).map((l) => l.name)).toEqual([
      { type: "user", file: `${s.codexHome}/config.toml`, profile: "fast" },
      { type: "user", file: `${s.codexHome}/config.toml`, profile: null },
    ]);
  });

  it("answers configRequirements/read with no requirements", async () => {
    const s = await started("");
    expect(await ok(s, "configRequirements/read")).toEqual({ requirements: null, supportsIndependentSpeedModes: true });
  });
});

describe("config writes", () => {
  it("edits config.toml in place keeping comments, keeps its mode, and later threads use the new value", async () => {
    const toml = `# my settings\nmodel = "o3"  # the usual one\nmodel_provider = "local"\n\n[profiles.fast] # quick\nmodel = "gpt-5"\n${PROVIDER}`;
    const s = start({ configToml: toml });
    chmodSync(`${s.codexHome}/config.toml`, 0o640);
    await s.initialize();
    const res = await ok(s, "config/value/write", { keyPath: "model", value: "gpt-5.1", mergeStrategy: "replace" });
    expect(fileOf(s)).toBe(toml.replace('model = "o3"', 'model = "gpt-5.1"'));
    expect(statSync(`${s.codexHome}/config.toml`).mode & 0o777).toBe(0o640);
    const read = await ok(s, "config/read", { includeLayers: true });
    expect(res).toEqual({
      status: "ok",
      version: (read.layers as JsonObject[])[0]!.version,
      filePath: `${s.codexHome}/config.toml`,
      overriddenMetadata: null,
    });
    expect(read.config).toMatchObject({ model: "gpt-5.1" });
    const thread = await ok(s, "thread/start", { cwd: process.cwd() });
    expect(thread.model).toBe("gpt-5.1");
    expect((await ok(s, "getUserSavedConfig")).config).toMatchObject({ model: "gpt-5.1" });
  });

  it("creates the file when there is none, and adds tables", async () => {
    const s = start({});
    await s.initialize();
    await ok(s, "config/value/write", { keyPath: "sandbox_workspace_write.network_access", value: true, mergeStrategy: "upsert" });
    expect(fileOf(s)).toBe("[sandbox_workspace_write]\nnetwork_access = true\n");
    expect(statSync(`${s.codexHome}/config.toml`).mode & 0o777).toBe(0o600);
  });

  it("refuses a value the config schema rejects and leaves the file untouched, byte for byte", async () => {
    const toml = `# keep\nmodel = "o3"\n${PROVIDER}`;
    const s = await started(toml);
    const bad = await s.request("config/value/write", { keyPath: "approval_policy", value: "bogus", mergeStrategy: "replace" });
    expect(bad.error).toMatchObject({ code: -32600, data: { config_write_error_code: "configValidationError" } });
    expect(bad.error!.message).toMatch(/^Invalid configuration: .*approval_policy/);
    const noProvider = await s.request("config/value/write", { keyPath: "model_provider", value: "nope", mergeStrategy: "replace" });
    expect(noProvider.error).toMatchObject({ code: -32600, message: "Invalid configuration: model provider `nope` not found" });
    const empty = await s.request("config/value/write", { keyPath: "", value: 1, mergeStrategy: "replace" });
    expect(empty.error).toMatchObject({ code: -32600, message: "keyPath must not be empty" });
    expect(fileOf(s)).toBe(toml);
    // The server keeps serving, with the old value.
    expect((await ok(s, "config/read", {})).config).toMatchObject({ model: "o3" });
  });

  it("rejects malformed params naming the field, and files other than the user config", async () => {
    const s = await started('model = "o3"\n');
    const missing = await s.request("config/value/write", { value: 1, mergeStrategy: "replace" });
    expect(missing.error).toMatchObject({ code: -32602, data: { field: "keyPath" } });
    const strategy = await s.request("config/batchWrite", { edits: [{ keyPath: "model", value: "x", mergeStrategy: "merge" }] });
    expect(strategy.error).toMatchObject({ code: -32602, data: { field: "edits[0].mergeStrategy" } });
    const other = await s.request("config/value/write", { keyPath: "model", value: "x", mergeStrategy: "replace", filePath: "/tmp/other.toml" });
    expect(other.error).toMatchObject({ code: -32600, data: { config_write_error_code: "configLayerReadonly" } });
    expect(fileOf(s)).toBe('model = "o3"\n');
  });

  it("applies a batch all or nothing", async () => {
    const toml = '# top\nmodel = "o3"\n';
    const s = await started(toml);
    const bad = await s.request("config/batchWrite", {
      edits: [
        { keyPath: "model", value: "y", mergeStrategy: "replace" },
        { keyPath: "sandbox_mode", value: "nope", mergeStrategy: "replace" },
      ],
    });
    expect(bad.error).toMatchObject({ code: -32600, data: { config_write_error_code: "configValidationError" } });
    expect(fileOf(s)).toBe(toml);
    await ok(s, "config/batchWrite", {
      edits: [
        { keyPath: "model", value: "y", mergeStrategy: "replace" },
        { keyPath: "sandbox_workspace_write", value: { writable_roots: ["/tmp/w"] }, mergeStrategy: "upsert" },
        { keyPath: "sandbox_workspace_write", value: { network_access: true }, mergeStrategy: "upsert" },
      ],
      reloadUserConfig: true,
    });
    expect(fileOf(s)).toBe('# top\nmodel = "y"\n\n[sandbox_workspace_write]\nwritable_roots = ["/tmp/w"]\nnetwork_access = true\n');
    // Read back whole, defaults filled, as 0.169 sends it.
    expect((await ok(s, "config/read", {})).config).toMatchObject({
      sandbox_workspace_write: { writable_roots: ["/tmp/w"], network_access: true, exclude_tmpdir_env_var: false, exclude_slash_tmp: false },
    });
    await ok(s, "config/batchWrite", { edits: [{ keyPath: "model", value: null, mergeStrategy: "replace" }] });
    expect((await ok(s, "config/read", {})).config).toMatchObject({ model: null });
  });

  it("refuses a write whose expectedVersion is stale, including after an edit on disk", async () => {
    const s = await started(REF_TOML);
    const first = await ok(s, "config/value/write", { keyPath: "model", value: "a", mergeStrategy: "replace", expectedVersion: REF_USER_VERSION });
    const stale = await s.request("config/value/write", { keyPath: "model", value: "b", mergeStrategy: "replace", expectedVersion: REF_USER_VERSION });
    expect(stale.error).toMatchObject({
      code: -32600,
      message: "Configuration was modified since last read. Fetch latest version and retry.",
      data: { config_write_error_code: "configVersionConflict" },
    });
    expect(fileOf(s)).toContain('model = "a"');
    writeFileSync(`${s.codexHome}/config.toml`, 'model = "edited by hand"\n');
    const afterDisk = await s.request("config/value/write", { keyPath: "model", value: "c", mergeStrategy: "replace", expectedVersion: first.version });
    expect(afterDisk.error).toMatchObject({ data: { config_write_error_code: "configVersionConflict" } });
    expect(fileOf(s)).toBe('model = "edited by hand"\n');
  });

  it("runs concurrent writes one after another, losing none", async () => {
    const s = await started("# many\n");
    const keys = ["model", "model_verbosity", "sandbox_mode", "approval_policy", "model_reasoning_summary", "model_reasoning_effort"];
    const values = ["m", "low", "workspace-write", "never", "concise", "high"];
    const results = await Promise.all(keys.map((keyPath, i) => s.request("config/value/write", { keyPath, value: values[i], mergeStrategy: "replace" })));
    expect(results.map((r) => r.error)).toEqual(keys.map(() => undefined));
    expect((await ok(s, "config/read", {})).config).toMatchObject(Object.fromEntries(keys.map((k, i) => [k, values[i]])));
    expect(fileOf(s).startsWith("# many\n")).toBe(true);
  });

  it("refuses to write over a config.toml that does not parse, leaving it as it is", async () => {
    const broken = 'model = "x"\n[otel\n';
    const s = await started(broken);
    const res = await s.request("config/value/write", { keyPath: "model", value: "y", mergeStrategy: "replace" });
    expect(res.error).toMatchObject({ code: -32600, data: { config_write_error_code: "configValidationError" } });
    expect(res.error!.message).toContain("is not valid TOML; fix it by hand first");
    expect(fileOf(s)).toBe(broken);
  });

  it("says when a -c flag still decides the written key", async () => {
    const s = await started('model = "o3"\n', ["-c", "model_verbosity=low"]);
    const res = await ok(s, "config/value/write", { keyPath: "model_verbosity", value: "high", mergeStrategy: "replace" });
    expect(res).toMatchObject({
      status: "okOverridden",
      overriddenMetadata: { message: "Overridden by session flags", overridingLayer: { name: { type: "sessionFlags" }, version: REF_FLAGS_VERSION }, effectiveValue: "low" },
    });
    expect(fileOf(s)).toBe('model = "o3"\nmodel_verbosity = "high"\n');
  });
});

describe("setDefaultModel (v1)", () => {
  it("writes model and reasoning effort into config.toml, removing what is left out", async () => {
    const s = await started('# mine\nmodel = "o3"\n\n[tools]\nweb_search = true\n');
    expect(await ok(s, "setDefaultModel", { model: "gpt-5", reasoningEffort: "high" })).toEqual({});
    expect(fileOf(s)).toBe('# mine\nmodel = "gpt-5"\nmodel_reasoning_effort = "high"\n\n[tools]\nweb_search = true\n');
    await ok(s, "setDefaultModel", { model: "gpt-5.1", reasoningEffort: null });
    expect(fileOf(s)).toBe('# mine\nmodel = "gpt-5.1"\n\n[tools]\nweb_search = true\n');
    expect((await ok(s, "getUserSavedConfig")).config).toMatchObject({ model: "gpt-5.1", modelReasoningEffort: null });
    const bad = await s.request("setDefaultModel", { model: "x", reasoningEffort: "huge" });
    expect(bad.error).toMatchObject({ code: -32602, data: { field: "reasoningEffort" } });
  });
});
