import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deriveConfig, loadConfigSource } from "../../src/config/load.js";
import { expandEnv, parseExporter } from "../../src/config/otel.js";
import { parseOverride, splitDottedKey } from "../../src/config/overrides.js";
import { locateKey } from "../../src/config/toml-location.js";

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function load(toml: string | undefined, overrides: string[] = [], env: Record<string, string> = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), "cfg-"));
  homes.push(home);
  if (toml !== undefined) writeFileSync(path.join(home, "config.toml"), toml);
  return loadConfigSource({ CODEX_HOME: home, ...env }, overrides.map(parseOverride));
}

describe("-c overrides", () => {
  it("parses the value as TOML, else takes it as a string", () => {
    expect(parseOverride('model="o3"')).toEqual({ path: ["model"], value: "o3" });
    expect(parseOverride("model=o3")).toEqual({ path: ["model"], value: "o3" });
    expect(parseOverride("a.b.c=42")).toEqual({ path: ["a", "b", "c"], value: 42 });
    expect(parseOverride("otel.exporter={otlp-http={endpoint=\"http://x/v1/logs\"}}").value).toEqual({
      "otlp-http": { endpoint: "http://x/v1/logs" },
    });
    expect(parseOverride("flag=true").value).toBe(true);
    expect(() => parseOverride("novalue")).toThrow(/key=value/);
  });

  it("splits quoted dotted keys", () => {
    expect(splitDottedKey('projects."/a/b.c".trust_level')).toEqual(["projects", "/a/b.c", "trust_level"]);
  });
});

describe("loadConfigSource", () => {
  it("gives defaults when there is no file", () => {
    const source = load(undefined);
    expect(source.error).toBeUndefined();
    expect(source.warnings).toEqual([]);
    expect(source.config.modelProvider.id).toBe("openai");
    expect(source.config.approvalPolicy).toBe("on-request");
    expect(source.config.otel.exporter).toEqual({ kind: "none" });
  });

  it("reads typed values, providers and the profile, with -c above the profile", () => {
    const toml = `
model = "top"
model_provider = "local"
profile = "fast"
approval_policy = "never"

[profiles.fast]
model = "from-profile"
approval_policy = "untrusted"

[model_providers.local]
name = "Local"
base_url = "http://127.0.0.1:9/v1"
wire_api = "responses"
request_max_retries = 500
`;
    const source = load(toml, ['approval_policy="on-failure"']);
    expect(source.error).toBeUndefined();
    const c = source.config;
    expect(c.model).toBe("from-profile");
    expect(c.approvalPolicy).toBe("on-failure");
    expect(c.profile).toBe("fast");
    expect(c.modelProvider).toMatchObject({ id: "local", name: "Local", wireApi: "responses", requestMaxRetries: 100 });
    expect(c.modelProvider.streamMaxRetries).toBe(5);
    expect(deriveConfig(source, { profile: undefined, overrides: [parseOverride("model=req")] }).model).toBe("req");
  });

  it("reports a TOML syntax error with file, line and column and falls back to defaults", () => {
    const source = load('model = "x"\n[otel\nfoo = 1\n');
    const file = source.path;
    expect(source.error?.message).toMatch(new RegExp(`^${escape(file)}:2:6: `));
    expect(source.config.model).toBeUndefined();
    expect(source.warnings).toEqual([
      expect.objectContaining({
        summary: "Invalid configuration; using defaults.",
        path: file,
        range: { start: { line: 2, column: 6 }, end: { line: 2, column: 6 } },
      }),
    ]);
    expect(() => deriveConfig(source, {})).toThrow(source.error!.message);
  });

  it("locates a value of the wrong type", () => {
    const source = load('model = "x"\napproval_policy = 5\n');
    expect(source.error?.message).toBe(
      `${source.path}:2:19: approval_policy: expected one of "untrusted", "on-failure", "on-request", "never", got number 5`,
    );
  });

  it("names a missing profile", () => {
    expect(load('profile = "nope"\n').error?.message).toContain("config profile `nope` not found");
  });

  it("turns off only a bad exporter, with a located warning", () => {
    const toml = `[otel]
environment = "staging"
exporter = { otlp-http = { endpoint = "http://127.0.0.1:1/v1/logs", protocol = "xml" } }
metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:1/v1/metrics", protocol = "json" } }
`;
    const source = load(toml);
    expect(source.error).toBeUndefined();
    expect(source.config.otel.environment).toBe("staging");
    expect(source.config.otel.exporter).toEqual({ kind: "none" });
    expect(source.config.otel.metricsExporter).toMatchObject({ kind: "otlp-http", protocol: "json" });
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]!.details).toMatch(/config\.toml:3:\d+: otel\.exporter\.otlp-http\.protocol: unknown variant `xml`/);
  });

  it("reads trace_exporter like the others (env headers, TLS, a bad one off with a warning) and the sampling ratio", () => {
    const good = load(
      `[otel]
trace_exporter = { otlp-grpc = { endpoint = "https://127.0.0.1:4317", headers = { "x-key" = "\${TRACE_KEY}" }, tls = { ca-certificate = "ca.pem" } } }
trace_sampling_ratio = 0.25
`,
      [],
      { TRACE_KEY: "k-1" },
    );
    expect(good.warnings).toEqual([]);
    expect(good.config.otel.traceExporter).toEqual({
      kind: "otlp-grpc",
      endpoint: "https://127.0.0.1:4317",
      headers: { "x-key": "k-1" },
      tls: { caCertificate: "ca.pem" },
    });
    expect(good.config.otel.traceSamplingRatio).toBe(0.25);
    expect(load("").config.otel).toMatchObject({ traceExporter: { kind: "none" }, traceSamplingRatio: 1 });

    const bad = load(`[otel]
trace_exporter = { otlp-http = { endpoint = "not a url" } }
trace_sampling_ratio = 2
exporter = { otlp-http = { endpoint = "http://127.0.0.1:1/v1/logs" } }
`);
    expect(bad.error).toBeUndefined();
    expect(bad.config.otel.traceExporter).toEqual({ kind: "none" });
    expect(bad.config.otel.traceSamplingRatio).toBe(1);
    expect(bad.config.otel.exporter).toMatchObject({ kind: "otlp-http" });
    const details = bad.warnings.map((w) => w.details).join("\n");
    expect(details).toMatch(/otel\.trace_exporter\.otlp-http\.endpoint: invalid endpoint URL/);
    expect(details).toMatch(/otel\.trace_sampling_ratio: expected a number from 0 to 1/);
  });

  it("takes exporter settings from -c", () => {
    const source = load(undefined, [
      'otel.exporter={otlp-grpc={endpoint="http://127.0.0.1:4317"}}',
      'otel.environment="cli"',
    ]);
    expect(source.config.otel.exporter).toMatchObject({ kind: "otlp-grpc", endpoint: "http://127.0.0.1:4317" });
    expect(source.config.otel.environment).toBe("cli");
  });
});

describe("exporters", () => {
  it("expands ${VAR} in header values", () => {
    const spec = parseExporter(
      { "otlp-http": { endpoint: "http://h/v1/logs", headers: { authorization: "Bearer ${TOKEN}", x: "${MISSING}-y" } } },
      ["otel", "exporter"],
      { TOKEN: "t-123" },
    );
    expect(spec).toEqual({
      kind: "otlp-http",
      endpoint: "http://h/v1/logs",
      protocol: "binary",
      headers: { authorization: "Bearer t-123", x: "-y" },
    });
    expect(expandEnv("$HOME ${A}${B}", { A: "1", B: "2" })).toBe("$HOME 12");
  });

  it("accepts none and statsig and rejects unknown variants", () => {
    expect(parseExporter("none", ["e"], {})).toEqual({ kind: "none" });
    expect(parseExporter("statsig", ["e"], {})).toEqual({ kind: "none" });
    expect(() => parseExporter("xml", ["e"], {})).toThrow(/unknown variant `xml`/);
    expect(() => parseExporter({ "otlp-http": {} }, ["e"], {})).toThrow(/endpoint/);
    expect(() => parseExporter(42, ["e"], {})).toThrow(/wanted string or table/);
  });
});

describe("locateKey", () => {
  it("finds keys in tables, dotted keys and inline tables", () => {
    const text = 'a = 1\n[otel]\nenvironment = "x"\nexporter = { otlp-http = { protocol = "xml" } }\n[b.c]\nd.e = 2\n';
    expect(locateKey(text, ["a"])).toEqual({ line: 1, column: 5 });
    expect(locateKey(text, ["otel", "environment"])).toEqual({ line: 3, column: 15 });
    expect(locateKey(text, ["otel", "exporter", "otlp-http", "protocol"])).toEqual({ line: 4, column: 39 });
    expect(locateKey(text, ["b", "c", "d", "e"])).toEqual({ line: 6, column: 7 });
    expect(locateKey(text, ["zzz"])).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
