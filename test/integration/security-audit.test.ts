// Findings of the security review, each pinned over the real bin: secrets that reached a log or a
// client, commands and files reached from places another user can write, fs/* edge cases.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { MCP_TEST_SERVER, stdioServerToml } from "../support/mcp-servers.js";
import { pushedRepo } from "../support/git-repos.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { killProcessesWith } from "../support/processes.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
let marker: string;
beforeEach(() => {
  model = fakeModel();
  marker = `audit-marker-${randomUUID()}`;
});
const start = useServers(afterEach, expectOnlyJsonLines);
afterEach(() => killProcessesWith(marker));
const tempDir = useTempDirs(afterEach, "codex-audit-");

const MCP_ENV_SECRET = "mcpenv-7d2f9a4c1b";
const MCP_BEARER_SECRET = "mcpbearer-3e8a1f6d2c";
const MCP_HEADER_SECRET = "mcphdr-9b4c2e7a1f";

/** An HTTP "MCP server" that rejects every request with a body echoing the credentials it got. */
async function echoingRejector(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const others = Object.entries(req.headers).filter(([k]) => k.startsWith("x-otel")).map(([k, v]) => ` ${k}=${String(v)}`).join("");
    res.writeHead(403, { "content-type": "text/plain" }).end(`token ${token} and key ${String(req.headers["x-key"])} are not allowed here${others}`);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve()))) };
}

describe("secrets in the log", () => {
  it("an MCP server's env value echoed on its stderr is redacted in the log (the logger bundle shares the registry)", async () => {
    const toml = fakeProviderToml(model, stdioServerToml("chatty", [`--marker=${marker}`, "--stderr-env=TOKEN"], `env = { TOKEN = "${MCP_ENV_SECRET}" }`));
    const s = await startInitialized(start, toml, { env: { CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
    model.enqueue(textTurn("ok"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "hi");
    await turnsEnded(s);
    expect(events(s, "mcp_startup_complete")[0]).toMatchObject({ ready: ["chatty"] });
    // The line was logged, so the missing value means it was redacted.
    await s.stderrMatch(/TOKEN is /);
    expect(s.stderr).toContain("TOKEN is [REDACTED]");
    expect(s.stderr).not.toContain(MCP_ENV_SECRET);
  });
});

describe("secrets in client-visible errors", () => {
  it("an MCP HTTP server's failure echoing its bearer token and header values is redacted in the startup status", async () => {
    const rejector = await echoingRejector();
    try {
      const server = `\n[mcp_servers.remote]\nurl = "${rejector.url}"\nbearer_token_env_var = "MCP_TOKEN"\nhttp_headers = { "x-key" = "${MCP_HEADER_SECRET}" }\n`;
      const s = await startInitialized(start, fakeProviderToml(model, server), { env: { MCP_TOKEN: MCP_BEARER_SECRET, CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
      model.enqueue(textTurn("ok"));
      const { conversationId } = await openConversation(s);
      await say(s, conversationId, "hi");
      await turnsEnded(s);
      const failed = events(s, "mcp_startup_update").find((e) => (e.status as { state: string }).state === "failed");
      expect((failed!.status as { error: string }).error).toMatch(/^MCP client for `remote` failed to start: .*token \[REDACTED\] and key \[REDACTED\] are not allowed here/);
      const visible = `${s.lines.join("\n")}\n${s.stderr}`;
      expect(visible).not.toContain(MCP_BEARER_SECRET);
      expect(visible).not.toContain(MCP_HEADER_SECRET);
    } finally {
      await rejector.close();
    }
  });
});

describe("secrets in the telemetry worker's log", () => {
  it("an OTLP exporter header value echoed by a rejecting collector is redacted in the log", async () => {
    const rejector = await echoingRejector();
    const OTEL_SECRET = "otelhdr-8c1e5a3f7b";
    try {
      const toml = `[otel]\nmetrics_exporter = { otlp-http = { endpoint = "${rejector.url}", protocol = "json", headers = { "x-otel-token" = "\${OTEL_T}" } } }\nexporter = { otlp-http = { endpoint = "${rejector.url}", protocol = "json", headers = { "x-otel-token" = "\${OTEL_T}" } } }\n`;
      const s = start({ configToml: toml, env: { OTEL_T: OTEL_SECRET, CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
      await s.initialize();
      await s.closeStdin();
      // The export was refused and that was logged, with the collector's answer.
      expect(s.stderr).toContain("are not allowed here");
      expect(s.stderr).not.toContain(OTEL_SECRET);
    } finally {
      await rejector.close();
    }
  });
});

describe("secrets in config/read", () => {
  const CFG = {
    bearer: "cfgbearer-1a2b3c4d5e",
    header: "cfghdr-6f7a8b9c0d",
    query: "cfgquery-2b4d6f8a1c",
    mcpEnv: "cfgmcpenv-3c5e7a9b2d",
    mcpHeader: "cfgmcphdr-4d6f8b1c3e",
    otel: "cfgotel-5e7a9c2d4f",
    flag: "cfgflag-6f8b1d3e5a",
  };
  const toml = `model_provider = "p"
[model_providers.p]
name = "P"
base_url = "http://127.0.0.1:9/v1"
env_key = "P_KEY"
experimental_bearer_token = "${CFG.bearer}"
http_headers = { "x-api-key" = "${CFG.header}" }
query_params = { key = "${CFG.query}" }
env_http_headers = { "x-org" = "ORG_VAR" }

[mcp_servers.m]
command = "/nonexistent/mcp"
env = { TOKEN = "${CFG.mcpEnv}" }
enabled = false

[mcp_servers.h]
url = "http://127.0.0.1:9/mcp"
bearer_token_env_var = "H_TOKEN"
http_headers = { "x-h" = "${CFG.mcpHeader}" }
enabled = false

[otel.exporter.otlp-http]
endpoint = "http://127.0.0.1:9/v1/logs"
headers = { "x-otel" = "${CFG.otel}" }
`;

  it("shows that credentials are set, never their values, in the config, the layers and a write's overriddenMetadata", async () => {
    const s = start({ configToml: toml, args: ["-c", `model_providers.p.http_headers.x-flag="${CFG.flag}"`] });
    await s.initialize();
    const read = await s.request("config/read", { includeLayers: true });
    expect(read.error).toBeUndefined();
    const result = read.result as { config: Record<string, Record<string, Record<string, unknown>>>; layers: { version: string; name: { type: string } }[] };
    expect(result.config.model_providers!.p).toMatchObject({
      env_key: "P_KEY",
      experimental_bearer_token: "[REDACTED]",
      http_headers: { "x-api-key": "[REDACTED]", "x-flag": "[REDACTED]" },
      query_params: { key: "[REDACTED]" },
      env_http_headers: { "x-org": "ORG_VAR" },
    });
    expect(result.config.mcp_servers!.m).toMatchObject({ env: { TOKEN: "[REDACTED]" } });
    expect(result.config.mcp_servers!.h).toMatchObject({ bearer_token_env_var: "H_TOKEN", http_headers: { "x-h": "[REDACTED]" } });
    expect(result.config.otel).toMatchObject({ exporter: { "otlp-http": { endpoint: "http://127.0.0.1:9/v1/logs", headers: { "x-otel": "[REDACTED]" } } } });
    const user = result.layers.find((l) => l.name.type === "user")!;
    // The versions are those of the real tables: a write against them is not a conflict.
    const write = await s.request("config/value/write", { keyPath: "model_providers.p.http_headers", value: { "x-flag": "other-value-123" }, mergeStrategy: "upsert", expectedVersion: user.version });
    expect(write.error).toBeUndefined();
    expect(write.result).toMatchObject({ status: "okOverridden", overriddenMetadata: { effectiveValue: { "x-api-key": "[REDACTED]", "x-flag": "[REDACTED]" } } });
    for (const secret of Object.values(CFG)) expect(s.lines.join("\n")).not.toContain(secret);
  });
});

describe("helpers are not run from a place another user (or the repository) can write", () => {
  /** A repository with a pushed commit, carrying an executable `git` of its own that leaves `proof` behind. */
  function hostileRepo(): { work: string; pushed: string; proof: string } {
    const root = tempDir();
    const { work, pushed } = pushedRepo(root);
    const proof = path.join(root, "planted-git-ran");
    writeFileSync(path.join(work, "git"), `#!/bin/sh\ntouch ${proof}\nexit 1\n`, { mode: 0o755 });
    return { work, pushed, proof };
  }

  /** A world-writable folder holding a `git` that leaves `proof` behind. */
  function plantedGitDir(proof: string): string {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    writeFileSync(path.join(dir, "git"), `#!/bin/sh\ntouch ${proof}\nexit 1\n`, { mode: 0o755 });
    return dir;
  }

  it("gitDiffToRemote skips a relative PATH entry (the repository's own ./git) and a world-writable one", async () => {
    const { work, pushed, proof } = hostileRepo();
    const planted = plantedGitDir(proof);
    const s = start({ env: { PATH: `.:${planted}:${process.env.PATH}` } });
    await s.initialize("git_client", "1.0");
    const res = await s.request("gitDiffToRemote", { cwd: work });
    expect(res.error).toBeUndefined();
    expect((res.result as { sha: string }).sha).toBe(pushed);
    expect(existsSync(proof)).toBe(false);
  });

  it("review/start finds the merge base with a trusted git, not the repository's own ./git", async () => {
    const { work, pushed, proof } = hostileRepo();
    const s = await startInitialized(start, fakeProviderToml(model), { env: { PATH: `.:${process.env.PATH}` } });
    model.enqueue(textTurn("Looks fine."));
    const thread = await s.request("thread/start", { cwd: work });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    const res = await s.request("review/start", { threadId, target: { type: "baseBranch", branch: "main" } });
    expect(res.error).toBeUndefined();
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "the review turn");
    const input = model.requests[0]!.body.input as { role?: string; content?: { text?: string }[] }[];
    const prompt = input.filter((i) => i.role === "user").map((i) => (i.content ?? []).map((c) => c.text ?? "").join("")).at(-1);
    expect(prompt).toContain(`Their merge base is commit ${pushed}`);
    expect(existsSync(proof)).toBe(false);
  });

  it("gitDiffToRemote says so when PATH holds no git it can trust", async () => {
    const { work, proof } = hostileRepo();
    const planted = plantedGitDir(proof);
    const s = start({ env: { PATH: `.:${planted}` } });
    await s.initialize("git_client", "1.0");
    const res = await s.request("gitDiffToRemote", { cwd: work });
    expect(res.error).toMatchObject({ code: -32600 });
    expect(res.error!.message).toContain(`no trusted git on PATH`);
    expect(existsSync(proof)).toBe(false);
  });
});

describe("skills are not loaded from places another user can write", () => {
  const skill = (name: string) => `---\nname: ${name}\ndescription: ${name} steps\n---\n\nSteps for ${name}.\n`;
  const put = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  it("a SKILL.md in a folder others can write, or owned by another user, is an error, not a skill (nor injected)", async () => {
    const repo = tempDir();
    mkdirSync(path.join(repo, ".git"));
    put(path.join(repo, ".codex/skills/mine/SKILL.md"), skill("mine"));
    put(path.join(repo, ".codex/skills/open/SKILL.md"), skill("open"));
    chmodSync(path.join(repo, ".codex/skills/open"), 0o777);
    put(path.join(repo, ".codex/skills/theirs/SKILL.md"), skill("theirs"));
    const other = 65534;
    if (process.getuid!() === 0) chownSync(path.join(repo, ".codex/skills/theirs/SKILL.md"), other, other);
    else chmodSync(path.join(repo, ".codex/skills/theirs/SKILL.md"), 0o666);
    const s = await startInitialized(start, fakeProviderToml(model));
    const res = await s.request("skills/list", { cwds: [repo] });
    expect(res.error).toBeUndefined();
    const [entry] = (res.result as { data: { skills: { name: string }[]; errors: { path: string; message: string }[] }[] }).data;
    expect(entry!.skills.map((k) => k.name)).toEqual(["mine"]);
    expect(entry!.errors).toEqual([
      { path: path.join(repo, ".codex/skills/open/SKILL.md"), message: expect.stringMatching(/^not loaded: .*\/open is writable by group or others \(mode 777\)$/) },
      { path: path.join(repo, ".codex/skills/theirs/SKILL.md"), message: expect.stringMatching(/^not loaded: .*\/theirs\/SKILL\.md is (owned by uid 65534|writable by group or others)/) },
    ]);

    // Named in a prompt, the planted skill is not injected either.
    model.enqueue(textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd: repo });
    await say(s, conversationId, "use $open and $mine");
    await turnsEnded(s);
    const texts = JSON.stringify(model.requests[0]!.body.input);
    expect(texts).toContain("Steps for mine.");
    expect(texts).not.toContain("Steps for open.");
  });
});

describe("config.toml is not loaded from a place another user can write", () => {
  for (const [what, open] of [
    ["the file is writable by others", (home: string) => chmodSync(path.join(home, "config.toml"), 0o666)],
    ["$CODEX_HOME is writable by others", (home: string) => chmodSync(home, 0o777)],
  ] as const) {
    it(`${what}: defaults, a configWarning saying why, and its MCP server is never started`, async () => {
      const home = tempDir();
      writeFileSync(path.join(home, "config.toml"), `model = "planted-model"\n${stdioServerToml("planted", [`--marker=${marker}`])}`);
      open(home);
      const s = start({ codexHome: home });
      await s.initialize();
      const warning = await s.waitFor(() => s.notifications("configWarning")[0], 5_000, "configWarning");
      expect(warning.params).toMatchObject({
        summary: "config.toml not loaded: another user could have written it; using defaults.",
        details: expect.stringMatching(/: not loaded: .* is writable by group or others \(mode (666|777)\)$/) as unknown,
        path: path.join(home, "config.toml"),
      });
      const saved = await s.request("getUserSavedConfig");
      expect(saved.error?.message).toMatch(/^error deriving config: .*not loaded/);
      const status = await s.request("mcpServerStatus/list", {});
      expect(JSON.stringify(status)).not.toContain("planted");
    });
  }
});

describe("fs/* on special files", () => {
  it("fs/readFile and fs/copy of a FIFO answer 'not a file' instead of blocking a thread forever; other requests still run", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const s = start();
    await s.initialize("fs_client", "1.0");
    // More than libuv's 4 threads: before, each blocked one in open(2) until a writer came.
    const reads = await Promise.all([1, 2, 3, 4, 5].map(() => s.request("fs/readFile", { path: fifo })));
    for (const r of reads) expect(r.error).toMatchObject({ code: -32600, message: `fs/readFile ${fifo}: not a file` });
    const copy = await s.request("fs/copy", { sourcePath: fifo, destinationPath: path.join(dir, "copy") });
    expect(copy.error).toMatchObject({ code: -32600, message: `fs/copy ${fifo}: not a file or directory` });
    expect(existsSync(path.join(dir, "copy"))).toBe(false);
    writeFileSync(path.join(dir, "plain.txt"), "still served");
    const plain = await s.request("fs/readFile", { path: path.join(dir, "plain.txt") });
    expect(Buffer.from((plain.result as { dataBase64: string }).dataBase64, "base64").toString()).toBe("still served");
  });
});

describe("credentials the config uses are not in a command's environment", () => {
  it("the provider's env_key and env_http_headers variables and an MCP bearer variable are not inherited by a model's command, whatever their names", async () => {
    const LLM_SECRET = "llmpass-2d4f6a8c1e";
    const ORG_SECRET = "orgid-9a7c5e3b1d";
    const MCP_SECRET = "mcpcred-4b6d8f1a3c";
    // An MCP server that is off: its bearer variable is known from the config alone.
    const mcp = `\n[mcp_servers.off]\nurl = "http://127.0.0.1:9/mcp"\nbearer_token_env_var = "MCP_CRED"\nenabled = false\n`;
    const toml = fakeProviderToml(model, `env_http_headers = { "x-org" = "ORG_ID" }${mcp}`, "never").replace('env_key = "FAKE_API_KEY"', 'env_key = "LLM_PASS"');
    const s = await startInitialized(start, toml, { env: { LLM_PASS: LLM_SECRET, ORG_ID: ORG_SECRET, MCP_CRED: MCP_SECRET, PLAIN_SETTING: "plain-value-1" } });
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["env"] }) }), textTurn("done"));
    const { conversationId } = await openConversation(s, { sandbox: "danger-full-access" });
    await say(s, conversationId, "env");
    await turnsEnded(s);
    // The key did reach the provider: it is the command that must not see it.
    expect(model.requests[0]!.headers.authorization).toBe(`Bearer ${LLM_SECRET}`);
    const output = JSON.stringify(model.requests[1]!.body.input);
    expect(output).toContain("PLAIN_SETTING=plain-value-1");
    expect(output).not.toContain(LLM_SECRET);
    expect(output).not.toContain(ORG_SECRET);
    expect(output).not.toContain(MCP_SECRET);
  });
});

describe("apply_patch keeps .git, .codex and .agents read-only as the sandbox does", () => {
  const tables = `\n[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n`;
  for (const [what, rel, exists] of [
    ["an existing .codex", ".codex/skills/evil/SKILL.md", true],
    ["a .codex not there yet", ".codex/skills/evil/SKILL.md", false],
    ["an existing .agents", ".agents/notes.md", true],
  ] as const) {
    it(`under workspace-write with approval never, a patch into ${what} of the cwd is refused, not auto-approved`, async () => {
      const cwd = tempDir();
      if (exists) mkdirSync(path.join(cwd, rel.split("/")[0]!));
      const s = await startInitialized(start, `sandbox_mode = "workspace-write"\n${fakeProviderToml(model, tables, "never")}`);
      model.enqueue(
        functionCallTurn({ callId: "p1", name: "apply_patch", arguments: JSON.stringify({ input: `*** Begin Patch\n*** Add File: ${rel}\n+planted\n*** Add File: fine.txt\n+ok\n*** End Patch` }) }),
        textTurn("ok"),
      );
      const { conversationId } = await openConversation(s, { cwd });
      await say(s, conversationId, "edit");
      await turnsEnded(s);
      expect(existsSync(path.join(cwd, rel))).toBe(false);
      const output = JSON.stringify(model.requests[1]!.body.input);
      expect(output).toContain("rejected by user approval settings");
    });
  }
});

describe("rollouts are private", () => {
  it("a new rollout is 0600 and the session folders it creates 0700, whatever the umask lets through", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const { rolloutPath } = await openConversation(s);
    expect(statSync(rolloutPath).mode & 0o777).toBe(0o600);
    for (let dir = path.dirname(rolloutPath); dir !== s.codexHome; dir = path.dirname(dir)) expect([dir, statSync(dir).mode & 0o777]).toEqual([dir, 0o700]);
  });
});

describe("fs/watch limits", () => {
  it("holds at 1,024 watches per connection even when the requests arrive together", async () => {
    const dir = tempDir();
    const s = start();
    await s.initialize("fs_client", "1.0");
    const replies = await Promise.all(Array.from({ length: 1100 }, (_, i) => s.request("fs/watch", { watchId: `w${i}`, path: dir })));
    const refused = replies.filter((r) => r.error !== undefined);
    expect(replies.length - refused.length).toBe(1024);
    for (const r of refused) expect(r.error).toMatchObject({ code: -32600, message: "too many watches: a connection may hold 1024; unwatch some first" });
  });
});

describe("secrets in OTEL log events", () => {
  it("codex.tool_result carries a command's arguments and output with configured secrets redacted, as the tool span does", async () => {
    const HDR = "toolhdr-3f5a7c9e1b";
    const receiver = await startOtlpReceiver();
    try {
      const extra = `http_headers = { "x-api-key" = "${HDR}" }\n[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`;
      const s = await startInitialized(start, fakeProviderToml(model, extra, "never"));
      model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["echo", `key=${HDR}`] }) }), textTurn("done"));
      const { conversationId } = await openConversation(s, { sandbox: "danger-full-access" });
      await say(s, conversationId, "echo");
      await turnsEnded(s);
      expect((await s.closeStdin()).code).toBe(0);
      const result = receiver.logs.find((l) => l.attributes["event.name"] === "codex.tool_result")!;
      expect(result.attributes).toMatchObject({ tool_name: "shell", call_id: "c1", success: "true" });
      expect(String(result.attributes.arguments)).toContain("key=[REDACTED]");
      expect(String(result.attributes.output)).toContain("key=[REDACTED]");
      expect(JSON.stringify(receiver.logs)).not.toContain(HDR);
    } finally {
      await receiver.close();
    }
  });
});

describe("secrets in rollouts", () => {
  it("a configured secret a command printed is [REDACTED] in the rollout, URLs in it untouched", async () => {
    const HDR = "rollhdr-6b8d1f3a5c";
    const s = await startInitialized(start, fakeProviderToml(model, `http_headers = { "x-api-key" = "${HDR}" }`, "never"));
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["echo", `key=${HDR} see https://example.com/a?b=c`] }) }), textTurn("done"));
    const { conversationId, rolloutPath } = await openConversation(s, { sandbox: "danger-full-access" });
    await say(s, conversationId, "echo");
    await turnsEnded(s);
    // The model saw the real output (the history in memory is not rewritten).
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain(`key=${HDR}`);
    const text = readFileSync(rolloutPath, "utf8");
    expect(text).toContain("key=[REDACTED] see https://example.com/a?b=c");
    expect(text).not.toContain(HDR);
    for (const line of text.trim().split("\n")) JSON.parse(line);
  });
});

describe("$CODEX_HOME inside a writable root stays read-only, whatever its name", () => {
  const tables = `\n[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n`;
  async function inside(): Promise<{ cwd: string; home: string; s: Awaited<ReturnType<typeof startInitialized>> }> {
    const cwd = tempDir();
    const home = path.join(cwd, "agent-state");
    mkdirSync(home, { mode: 0o700 });
    const s = await startInitialized(start, `sandbox_mode = "workspace-write"\n${fakeProviderToml(model, tables, "never")}`, { codexHome: home });
    return { cwd, home, s };
  }

  it("a patch writing its config.toml is refused under approval never", async () => {
    const { cwd, home, s } = await inside();
    const before = readFileSync(path.join(home, "config.toml"), "utf8");
    model.enqueue(functionCallTurn({ callId: "p1", name: "apply_patch", arguments: JSON.stringify({ input: `*** Begin Patch\n*** Add File: agent-state/planted.toml\n+x\n*** Update File: agent-state/config.toml\n@@\n+# planted\n*** End Patch` }) }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expect(existsSync(path.join(home, "planted.toml"))).toBe(false);
    expect(readFileSync(path.join(home, "config.toml"), "utf8")).toBe(before);
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain("rejected by user approval settings");
  });

  it("a sandboxed command cannot write into it, while the rest of the cwd stays writable", async () => {
    const { cwd, home, s } = await inside();
    const script = `echo ok > ${cwd}/fine.txt; echo '# planted' >> ${home}/config.toml; echo rc=$?`;
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["sh", "-c", script] }) }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "write");
    await turnsEnded(s);
    const output = JSON.stringify(model.requests[1]!.body.input);
    // Refused only when the sandbox runs here; otherwise the command itself is refused.
    if (output.includes("cannot be enforced")) throw new Error("no usable sandbox here: " + output.slice(0, 300));
    expect(readFileSync(path.join(cwd, "fine.txt"), "utf8")).toBe("ok\n");
    expect(readFileSync(path.join(home, "config.toml"), "utf8")).not.toContain("# planted");
    expect(output).toMatch(/Read-only file system/);
    // The model is told so.
    expect(JSON.stringify(model.requests[0]!.body.input)).toContain(`These stay read-only even there: ${home}`);
  });
});

describe("the log file is private", () => {
  it("CODEX_APP_SERVER_LOG_FILE is created 0600", async () => {
    const file = path.join(tempDir(), "server.log");
    const s = start({ env: { CODEX_APP_SERVER_LOG_FILE: file, CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
    await s.initialize();
    s.send({ method: "no/such/notification", params: {} });
    await s.waitFor(() => (existsSync(file) && readFileSync(file, "utf8").includes("ignored notification") ? true : undefined), 5_000, "the log line");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("a malformed request line is not quoted back", () => {
  it("the parse error (to the client and in the log) carries no excerpt of the line, which may hold a key being sent", async () => {
    const s = start({ env: { CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
    await s.initialize();
    s.child.stdin.write('{"id":7,"method":"loginApiKey","params":{"apiKey": unquoted-key-value-4242}}\n');
    const reply = await s.waitFor(() => s.messages.find((m) => m.id === null && "error" in m), 5_000, "the parse error");
    expect((reply.error as { message: string }).message).toMatch(/^Parse error: Unexpected token 'u' \(not valid JSON\)$/);
    await s.stderrMatch(/Parse error/);
    expect(`${s.lines.join("\n")}\n${s.stderr}`).not.toMatch(/unquoted-k|ted-key-va/);
  });
});

describe("an MCP server's bare command is found on PATH only where nobody else could have put it", () => {
  it("a relative PATH entry (the server's own cwd) and a world-writable folder are skipped", async () => {
    const work = tempDir();
    const proof = path.join(work, "planted-node-ran");
    const planted = `#!/bin/sh\ntouch ${proof}\nexit 1\n`;
    writeFileSync(path.join(work, "node"), planted, { mode: 0o755 });
    const open = tempDir();
    chmodSync(open, 0o777);
    writeFileSync(path.join(open, "node"), planted, { mode: 0o755 });
    const server = `\n[mcp_servers.bare]\ncommand = "node"\nargs = [${JSON.stringify(MCP_TEST_SERVER)}, "--marker=${marker}"]\ncwd = ${JSON.stringify(work)}\nenv_vars = ["PATH"]\n`;
    const s = await startInitialized(start, fakeProviderToml(model, server), { env: { PATH: `.:${open}:${path.dirname(process.execPath)}:/usr/bin:/bin` } });
    model.enqueue(textTurn("ok"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "hi");
    await turnsEnded(s);
    expect(existsSync(proof)).toBe(false);
    expect(events(s, "mcp_startup_complete")[0]).toMatchObject({ ready: ["bare"] });
  });
});
