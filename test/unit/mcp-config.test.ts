// [mcp_servers] parsing, the names MCP tools get, and which calls ask first.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfigSource } from "../../src/config/load.js";
import { resolveMcpServers } from "../../src/config/mcp-servers.js";
import { mcpApprovalQuestion, requiresMcpToolApproval } from "../../src/mcp/tool-approval.js";
import { qualifiedToolName, qualifyTools, toolAllowed } from "../../src/mcp/tool-names.js";
import { writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

describe("[mcp_servers]", () => {
  it("reads stdio and streamable-HTTP entries with the reference's defaults", () => {
    const { servers, issues } = resolveMcpServers({
      files: { command: "npx", args: ["-y", "server"], env: { A: "1" }, env_vars: ["HOME"], cwd: "/tmp" },
      web: { url: "https://example.test/mcp", bearer_token_env_var: "TOKEN", http_headers: { X: "y" }, env_http_headers: { Z: "ZV" }, startup_timeout_sec: 2.5, tool_timeout_sec: 5, enabled: false, enabled_tools: ["a"], disabled_tools: ["b"] },
    });
    expect(issues).toEqual([]);
    expect(servers[0]).toEqual({
      name: "files",
      transport: { kind: "stdio", command: "npx", args: ["-y", "server"], env: { A: "1" }, envVars: ["HOME"], cwd: "/tmp" },
      enabled: true,
      disabledTools: [],
      startupTimeoutMs: 10_000,
      toolTimeoutMs: 60_000,
    });
    expect(servers[1]).toMatchObject({
      transport: { kind: "http", url: "https://example.test/mcp", bearerTokenEnvVar: "TOKEN", httpHeaders: { X: "y" }, envHttpHeaders: { Z: "ZV" } },
      enabled: false,
      enabledTools: ["a"],
      disabledTools: ["b"],
      startupTimeoutMs: 2500,
      toolTimeoutMs: 5000,
    });
  });

  it("leaves out bad entries with a reason and keeps the others", () => {
    const { servers, issues } = resolveMcpServers({
      ok: { command: "x" },
      both: { command: "x", url: "http://a" },
      none: {},
      "bad name": { command: "x" },
      args: { command: "x", args: "not-a-list" },
      mixed: { url: "http://a", env: { A: "b" } },
      ftp: { url: "ftp://a" },
    });
    expect(servers.map((s) => s.name)).toEqual(["ok"]);
    expect(issues.map((i) => i.path.join("."))).toEqual([
      "mcp_servers.both.url",
      "mcp_servers.none",
      "mcp_servers.bad name",
      "mcp_servers.args.args",
      "mcp_servers.mixed.env",
      "mcp_servers.ftp.url",
    ]);
  });

  it("gives a configWarning naming the line of a bad entry; the config still loads", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "mcp-config-"));
    writeFileSync(path.join(home, "config.toml"), 'model = "m"\n\n[mcp_servers.good]\ncommand = "x"\n\n[mcp_servers.bad]\ncommand = "x"\nargs = 3\n');
    const source = loadConfigSource({ CODEX_HOME: home }, []);
    expect(source.error).toBeUndefined();
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toMatchObject({ summary: "Invalid MCP server `bad`; it is not started.", range: { start: { line: 8 } } });
    expect(source.warnings[0]!.details).toContain("mcp_servers.bad.args: args must be an array of strings");
  });
});

describe("tool names", () => {
  it("qualifies, sanitises and caps names with the SHA-1 of the raw name", () => {
    expect(qualifiedToolName("files", "read")).toBe("mcp__files__read");
    expect(qualifiedToolName("files", "read.file v2")).toBe("mcp__files__read_file_v2");
    const tool = "t".repeat(80);
    const raw = `mcp__srv__${tool}`;
    const sha = createHash("sha1").update(raw).digest("hex");
    const long = qualifiedToolName("srv", tool);
    expect(long).toHaveLength(64);
    expect(long).toBe(raw.slice(0, 64 - 40) + sha);
    expect(qualifiedToolName("srv", tool)).toBe(long);
  });

  it("keeps the first of two tools that end up with one name", () => {
    const map = qualifyTools([
      { server: "s", tool: "a.b", value: 1 },
      { server: "s", tool: "a_b", value: 2 },
    ]);
    expect([...map]).toEqual([["mcp__s__a_b", { server: "s", tool: "a.b", value: 1 }]]);
  });

  it("filters by enabled_tools then disabled_tools", () => {
    expect(toolAllowed({ disabledTools: [] }, "x")).toBe(true);
    expect(toolAllowed({ enabledTools: ["x"], disabledTools: [] }, "y")).toBe(false);
    expect(toolAllowed({ enabledTools: ["x"], disabledTools: ["x"] }, "x")).toBe(false);
  });
});

describe("approval from annotations", () => {
  it("asks for destructive tools and open-world writers only", () => {
    expect(requiresMcpToolApproval(undefined)).toBe(false);
    expect(requiresMcpToolApproval({ readOnlyHint: true })).toBe(false);
    expect(requiresMcpToolApproval({ readOnlyHint: true, destructiveHint: true })).toBe(true);
    expect(requiresMcpToolApproval({ readOnlyHint: false, openWorldHint: true })).toBe(true);
    expect(requiresMcpToolApproval({ readOnlyHint: false })).toBe(false);
    expect(mcpApprovalQuestion("gh", { name: "push", title: "Push", inputSchema: {}, annotations: { destructiveHint: true, openWorldHint: true } })).toBe(
      'The gh MCP server wants to run the tool "Push", which may modify data and access external systems. Allow this action?',
    );
  });
});
