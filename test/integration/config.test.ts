// A broken config.toml never stops the server: initialize works, configWarning follows, and
// methods that need config fail naming the file and line.
import { afterEach, describe, expect, it } from "vitest";
import { useServers } from "../support/server-process.js";

const start = useServers(afterEach);

describe("config", () => {
  it("sends configWarning after initialize for a broken file and fails config-backed methods", async () => {
    const s = start({ configToml: 'model = "x"\n[otel\nfoo = 1\n' });
    const init = await s.initialize();
    expect(init.result).toBeDefined();
    const file = `${s.codexHome}/config.toml`;
    const warning = await s.waitFor(() => s.notifications("configWarning")[0], 5_000, "configWarning");
    expect(warning.params).toEqual({
      summary: "Invalid configuration; using defaults.",
      details: expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, "\\.")}:2:6: `)),
      path: file,
      range: { start: { line: 2, column: 6 }, end: { line: 2, column: 6 } },
    });
    // The warning follows the initialize reply.
    const initIndex = s.messages.findIndex((m) => m.id === 1);
    expect(s.messages.indexOf(warning)).toBeGreaterThan(initIndex);
    const saved = await s.request("getUserSavedConfig");
    expect(saved.error?.code).toBe(-32600);
    expect(saved.error?.message).toBe(`error deriving config: ${String((warning.params as { details: string }).details)}`);
    expect((await s.request("getUserAgent")).result).toBeDefined();
  });

  it("reports a wrong value type at its line", async () => {
    const s = start({ configToml: 'model = "x"\napproval_policy = 5\n' });
    await s.initialize();
    const warning = await s.waitFor(() => s.notifications("configWarning")[0], 5_000, "configWarning");
    expect(warning.params).toMatchObject({ range: { start: { line: 2, column: 19 } } });
  });

  it("serves the saved config", async () => {
    const s = start({
      configToml: `model = "gpt-test"
approval_policy = "never"
sandbox_mode = "workspace-write"
model_reasoning_effort = "high"
profile = "p"

[profiles.p]
model = "other"
approval_policy = "untrusted"

[sandbox_workspace_write]
writable_roots = ["/tmp/w"]
network_access = true
`,
    });
    await s.initialize();
    const res = await s.request("getUserSavedConfig");
    expect(res.result).toEqual({
      config: {
        approvalPolicy: "never",
        sandboxMode: "workspace-write",
        sandboxSettings: { writableRoots: ["/tmp/w"], networkAccess: true, excludeTmpdirEnvVar: null, excludeSlashTmp: null },
        forcedChatgptWorkspaceId: null,
        forcedLoginMethod: null,
        model: "gpt-test",
        modelReasoningEffort: "high",
        modelReasoningSummary: null,
        modelVerbosity: null,
        tools: null,
        profile: "p",
        profiles: {
          p: {
            model: "other",
            modelProvider: null,
            approvalPolicy: "untrusted",
            modelReasoningEffort: null,
            modelReasoningSummary: null,
            modelVerbosity: null,
          },
        },
      },
    });
    expect(s.notifications("configWarning")).toEqual([]);
  });

  it("turns a bad exporter off with a warning and keeps serving", async () => {
    const s = start({
      configToml: '[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:9/v1/logs", protocol = "xml" } }\n',
    });
    await s.initialize();
    const warning = await s.waitFor(() => s.notifications("configWarning")[0], 5_000, "configWarning");
    expect((warning.params as { details: string }).details).toMatch(/:2:\d+: otel\.exporter\.otlp-http\.protocol: unknown variant `xml`/);
    expect((await s.request("getUserSavedConfig")).result).toBeDefined();
    expect((await s.closeStdin()).code).toBe(0);
  });

  it("turns an exporter off when its TLS file is missing (the reference exits 1 here)", async () => {
    const s = start({
      configToml:
        '[otel]\nexporter = { otlp-http = { endpoint = "https://127.0.0.1:9/v1/logs", tls = { ca-certificate = "/nonexistent/ca.pem" } } }\n',
    });
    await s.initialize();
    const warning = await s.waitFor(() => s.notifications("configWarning")[0], 5_000, "configWarning");
    expect(warning.params).toMatchObject({
      summary: expect.stringContaining("otel.exporter"),
      details: expect.stringContaining("/nonexistent/ca.pem"),
    });
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect((await s.closeStdin()).code).toBe(0);
  });

  it("fails with a usage message on a malformed -c", async () => {
    const s = start({ args: ["-c", "novalue"] });
    const { code } = await s.exited;
    expect(code).toBe(2);
    expect(s.stderr).toContain("expected key=value");
    expect(s.lines).toEqual([]);
  });
});
