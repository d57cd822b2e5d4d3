// MCP servers as tools, over the real bin: a stdio and a streamable-HTTP server written with the
// SDK, their tools offered to the model, calls reported as v1 events and v2 items, failures that
// leave the conversation usable, and no server process left behind.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatTextTurn, chatToolCallTurn } from "../support/fake-chat.js";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { startHttpMcpServer, stdioServerToml, type HttpMcpServer } from "../support/mcp-servers.js";
import { killProcessesWith, processesWith } from "../support/processes.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
let marker: string;
const http: HttpMcpServer[] = [];
beforeEach(() => {
  model = fakeModel();
  marker = `mcp-marker-${randomUUID()}`;
});
afterEach(async () => {
  for (const h of http.splice(0)) await h.close();
});
const start = useServers(afterEach, expectOnlyJsonLines);
afterEach(() => killProcessesWith(marker));

const call = (callId: string, name: string, args: unknown = {}) => functionCallTurn({ callId, name, arguments: JSON.stringify(args) });

function toolNames(request: { body: { tools?: { name: string }[] } }): string[] {
  return (request.body.tools ?? []).map((t) => t.name);
}

/** The function_call_output the model got back for `callId` (in the request after the call). */
function outputFor(callId: string): string {
  for (const r of model.requests) {
    const item = (r.body.input as JsonObject[] | undefined)?.find((i) => i.type === "function_call_output" && i.call_id === callId);
    if (item) return item.output as string;
  }
  throw new Error(`no output for ${callId}`);
}

function v2(s: ServerProcess, method: string): JsonObject[] {
  return s.notifications(method).map((m) => m.params as JsonObject);
}

async function v2Turn(s: ServerProcess, text: string, count: number): Promise<string> {
  const thread = await s.request("thread/start", { cwd: process.cwd() });
  expect(thread.error).toBeUndefined();
  const threadId = (thread.result as { thread: { id: string } }).thread.id;
  const res = await s.request("turn/start", { threadId, input: [{ type: "text", text }] });
  expect(res.error).toBeUndefined();
  await s.waitFor(() => (v2(s, "turn/completed").length >= count ? true : undefined), 20_000, "turn/completed");
  return threadId;
}

describe("tools offered and called (v1)", () => {
  it("offers mcp__<server>__<tool> with the server's schema and reports a call round trip", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__add", { a: 2, b: 3 }), call("c2", "mcp__tools__echo", { text: "hi" }), textTurn("done"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "add");
    await turnsEnded(s);

    const names = toolNames(model.requests[0]!);
    expect(names).toEqual(expect.arrayContaining(["mcp__tools__add", "mcp__tools__echo", "mcp__tools__dotted_name"]));
    const add = (model.requests[0]!.body.tools as JsonObject[]).find((t) => t.name === "mcp__tools__add");
    expect(add).toMatchObject({ type: "function", description: "Adds two numbers", parameters: { type: "object", required: ["a", "b"] } });

    expect(events(s, "mcp_startup_update").map((e) => e.status)).toContainEqual({ state: "ready" });
    expect(events(s, "mcp_startup_complete")).toEqual([{ type: "mcp_startup_complete", ready: ["tools"], failed: [], cancelled: [] }]);
    const begin = events(s, "mcp_tool_call_begin");
    expect(begin[0]).toEqual({ type: "mcp_tool_call_begin", call_id: "c1", invocation: { server: "tools", tool: "add", arguments: { a: 2, b: 3 } } });
    const end = events(s, "mcp_tool_call_end");
    expect(end[0]).toMatchObject({
      call_id: "c1",
      invocation: { server: "tools", tool: "add" },
      duration: { secs: expect.any(Number), nanos: expect.any(Number) },
      result: { Ok: { content: [{ type: "text", text: "5" }], structuredContent: { sum: 5 } } },
    });
    // structuredContent wins over content, as the reference sends it.
    expect(outputFor("c1")).toBe('{"sum":5}');
    expect(JSON.parse(outputFor("c2"))).toEqual([{ type: "text", text: "echo: hi" }]);
  });

  it("leaves out filtered tools and reports a server that fails to start, and the turn still runs", async () => {
    const toml = fakeProviderToml(
      model,
      stdioServerToml("good", [`--marker=${marker}`], 'enabled_tools = ["echo", "add", "fail"]\ndisabled_tools = ["add"]') +
        stdioServerToml("broken", ["--exit"]) +
        stdioServerToml("mute", ["--no-init", `--marker=${marker}`], "startup_timeout_sec = 0.5"),
    );
    const s = await startInitialized(start, toml);
    model.enqueue(call("c1", "mcp__good__fail"), textTurn("still here"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "go");
    await turnsEnded(s);
    expect(toolNames(model.requests[0]!).filter((n) => n.startsWith("mcp__")).sort()).toEqual(["mcp__good__echo", "mcp__good__fail"]);
    const complete = events(s, "mcp_startup_complete")[0]!;
    expect(complete.ready).toEqual(["good"]);
    const failed = complete.failed as { server: string; error: string }[];
    expect(failed.map((f) => f.server).sort()).toEqual(["broken", "mute"]);
    expect(failed.find((f) => f.server === "mute")!.error).toMatch(/timed out after 0.5 seconds/);
    // isError: the model is told the call failed; the turn goes on.
    expect(events(s, "mcp_tool_call_end")[0]).toMatchObject({ result: { Ok: { isError: true } } });
    expect(events(s, "agent_message").map((e) => e.message)).toContain("still here");
    // The server that never answered initialize is not left running.
    await s.waitFor(() => (processesWith(`--no-init`).filter((pid) => processesWith(marker).includes(pid)).length === 0 ? true : undefined), 10_000, "mute server gone");
  });
});

describe("chat wire and interrupts", () => {
  it("offers MCP tools on the Chat Completions wire and routes their calls", async () => {
    const toml = fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])).replace('wire_api = "responses"', 'wire_api = "chat"');
    const s = await startInitialized(start, toml);
    model.enqueue(chatToolCallTurn({ id: "c1", name: "mcp__tools__echo", parts: ['{"text":', '"chat"}'] }), chatTextTurn(["ok"]));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "echo");
    await turnsEnded(s);
    const tools = (model.requests[0]!.body.tools as { type: string; function: { name: string; parameters: unknown } }[]).map((t) => t.function);
    expect(tools).toContainEqual(expect.objectContaining({ name: "mcp__tools__echo", parameters: expect.objectContaining({ required: ["text"] }) }));
    expect(events(s, "mcp_tool_call_end")[0]).toMatchObject({ call_id: "c1", result: { Ok: { content: [{ type: "text", text: "echo: chat" }] } } });
  });

  it("ends a turn interrupted during a hung call, and the server still answers the next one", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__hang"), call("c2", "mcp__tools__echo", { text: "again" }), textTurn("done"));
    const thread = await s.request("thread/start", { cwd: process.cwd() });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: "hang" }] });
    const turnId = (turn.result as { turn: { id: string } }).turn.id;
    await s.waitFor(() => v2(s, "item/started").find((p) => (p.item as JsonObject).type === "mcpToolCall"), 15_000, "the call to start");
    expect((await s.request("turn/interrupt", { threadId, turnId })).error).toBeUndefined();
    await s.waitFor(() => v2(s, "turn/completed")[0], 15_000, "turn/completed");
    expect((v2(s, "turn/completed")[0]!.turn as JsonObject).status).toBe("interrupted");
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "again" }] });
    await s.waitFor(() => (v2(s, "turn/completed").length >= 2 ? true : undefined), 15_000, "second turn");
    const done = v2(s, "item/completed").map((p) => p.item as JsonObject).filter((i) => i.type === "mcpToolCall");
    expect(done.at(-1)).toMatchObject({ id: "c2", status: "completed", result: { content: [{ type: "text", text: "echo: again" }] } });
  });
});

describe("telemetry", () => {
  it("exports codex.tool_decision and codex.tool_result with the MCP tool name", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const otel = `\n[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`;
      const s = await startInitialized(start, fakeProviderToml(model, otel + stdioServerToml("tools", [`--marker=${marker}`])));
      model.enqueue(call("c1", "mcp__tools__echo", { text: "t" }), textTurn("done"));
      const { conversationId } = await openConversation(s);
      await say(s, conversationId, "echo");
      await turnsEnded(s);
      expect((await s.closeStdin()).code).toBe(0);
      const byName = (name: string) => receiver.logs.filter((l) => l.attributes["event.name"] === name);
      expect(byName("codex.tool_decision")[0]!.attributes).toMatchObject({ tool_name: "mcp__tools__echo", call_id: "c1", decision: "approved", source: "Config" });
      expect(byName("codex.tool_result")[0]!.attributes).toMatchObject({ tool_name: "mcp__tools__echo", call_id: "c1", success: "true" });
    } finally {
      await receiver.close();
    }
  });
});

describe("bad servers", () => {
  it("fails a hung call at the tool timeout, a malformed result, a 100 MB result and a crash; the turn goes on", async () => {
    const toml = stdioServerToml("bad", [`--marker=${marker}`, "--garbage"], "tool_timeout_sec = 1") + stdioServerToml("huge", [`--marker=${marker}`]);
    const s = await startInitialized(start, fakeProviderToml(model, toml));
    model.enqueue(
      call("c1", "mcp__bad__hang"),
      call("c2", "mcp__bad__malformed"),
      call("c3", "mcp__huge__big", { mb: 100 }),
      // On the server with the default tool timeout: a loaded machine must not turn the crash into a timeout.
      call("c4", "mcp__huge__crash"),
      call("c5", "mcp__huge__echo", { text: "after" }),
      textTurn("survived"),
    );
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "go");
    await turnsEnded(s);
    const results = events(s, "mcp_tool_call_end").map((e) => e.result as { Ok?: unknown; Err?: string });
    expect(results).toHaveLength(5);
    expect(results[0]!.Err).toMatch(/timed out/i);
    expect(results[1]!.Err).toMatch(/tool call failed for `bad\/malformed`/);
    expect(results[2]!.Err).toMatch(/larger than 10 MiB/);
    expect(results[3]!.Err).toMatch(/Connection closed/);
    // Restarted on next use after the crash.
    expect(results[4]!.Ok).toEqual({ content: [{ type: "text", text: "echo: after" }] });
    expect(outputFor("c1")).toMatch(/^err: /);
    expect(events(s, "agent_message").map((e) => e.message)).toContain("survived");
  }, 60_000);
});

describe("v2", () => {
  it("streams the mcpToolCall item and progress, in 0.169's shapes", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__slow", { ms: 50 }), call("c2", "mcp__tools__fail"), textTurn("done"));
    await v2Turn(s, "go", 1);
    const started = v2(s, "item/started").filter((p) => (p.item as JsonObject).type === "mcpToolCall");
    const completed = v2(s, "item/completed").filter((p) => (p.item as JsonObject).type === "mcpToolCall");
    expect(started.map((p) => (p.item as JsonObject).status)).toEqual(["inProgress", "inProgress"]);
    expect(completed.map((p) => p.item)).toMatchObject([
      { id: "c1", server: "tools", tool: "slow", status: "completed", arguments: { ms: 50 }, result: { content: [{ type: "text", text: "slow done" }] }, error: null },
      { id: "c2", status: "failed", result: { content: [{ type: "text", text: "it went wrong" }] } },
    ]);
    expect((completed[0]!.item as JsonObject).durationMs).toEqual(expect.any(Number));
    expect(v2(s, "item/mcpToolCall/progress")).toEqual([expect.objectContaining({ itemId: "c1", message: "halfway" })]);
    expect(v2(s, "mcpServer/startupStatus/updated").map((p) => p.status)).toContain("ready");
    // The item itself as 0.169's ThreadItem (the envelope's timestamps are not this issue's).
    const items = loadReferenceSchema("v2/ItemCompletedNotification.json");
    const threadItem = { definitions: items.definitions, $ref: "#/definitions/ThreadItem" };
    for (const p of [...started, ...completed]) expect(referenceSchemaProblems(threadItem, p.item)).toEqual([]);
    for (const [file, list] of [
      ["v2/McpToolCallProgressNotification.json", v2(s, "item/mcpToolCall/progress")],
      ["v2/McpServerStatusUpdatedNotification.json", v2(s, "mcpServer/startupStatus/updated")],
    ] as const) {
      for (const params of list) expect(referenceSchemaProblems(loadReferenceSchema(file), params)).toEqual([]);
    }
  });

  it("lists servers before any thread: sorted, paged, filtered, failed ones with their error", async () => {
    const toml = fakeProviderToml(
      model,
      stdioServerToml("zeta", [`--marker=${marker}`], 'disabled_tools = ["hang", "crash"]') +
        stdioServerToml("alpha", ["--exit"]) +
        stdioServerToml("mid", [`--marker=${marker}`], 'enabled_tools = ["echo"]'),
    );
    const s = await startInitialized(start, toml);
    const first = await s.request("mcpServerStatus/list", { limit: 2 });
    expect(first.error).toBeUndefined();
    const page1 = first.result as { data: JsonObject[]; nextCursor: string | null };
    expect(page1.data.map((d) => d.name)).toEqual(["alpha", "mid"]);
    expect(page1.data[0]).toMatchObject({ runtimeStatus: "failed", toolsError: expect.stringMatching(/failed to start/), tools: {} });
    expect(Object.keys(page1.data[1]!.tools as JsonObject)).toEqual(["echo"]);
    const second = await s.request("mcpServerStatus/list", { limit: 2, cursor: page1.nextCursor });
    const page2 = second.result as { data: JsonObject[]; nextCursor: string | null };
    expect(page2.data.map((d) => d.name)).toEqual(["zeta"]);
    expect(page2.nextCursor).toBeNull();
    const zetaTools = Object.keys(page2.data[0]!.tools as JsonObject);
    expect(zetaTools).toContain("echo");
    expect(zetaTools).not.toContain("hang");
    expect(page2.data[0]).toMatchObject({ runtimeStatus: "connected", serverInfo: { name: "codex-test-mcp" }, resources: [{ uri: "mem://hello" }] });
    // Both pages of the server's resource templates, with 0.169's nullable fields spelled out.
    expect(page2.data[0]!.resourceTemplates).toEqual([
      { uriTemplate: "mem://greeting/{name}", name: "greeting", title: null, description: "says hello", mimeType: "text/plain" },
      { uriTemplate: "mem://notes/{id}", name: "note", title: "A note", description: null, mimeType: null },
    ]);
    for (const result of [first.result, second.result]) {
      expect(referenceSchemaProblems(loadReferenceSchema("v2/ListMcpServerStatusResponse.json"), result)).toEqual([]);
    }
  });

  it("reads a resource, calls a tool directly over streamable HTTP with a bearer token, and reloads", async () => {
    const h = await startHttpMcpServer();
    http.push(h);
    const toml = fakeProviderToml(model, `\n[mcp_servers.web]\nurl = "${h.url}"\nbearer_token_env_var = "MCP_TEST_TOKEN"\n`);
    const s = await startInitialized(start, toml, { env: { MCP_TEST_TOKEN: "tok-123" } });
    const read = await s.request("mcpServer/resource/read", { server: "web", uri: "mem://hello" });
    expect(read.result).toEqual({ contents: [{ uri: "mem://hello", mimeType: "text/plain", text: "hello from a resource" }], originCallId: null });
    expect(referenceSchemaProblems(loadReferenceSchema("v2/McpResourceReadResponse.json"), read.result)).toEqual([]);
    const called = await s.request("mcpServer/tool/call", { threadId: "none", server: "web", tool: "add", arguments: { a: 1, b: 1 } });
    expect(called.result).toMatchObject({ content: [{ type: "text", text: "2" }], structuredContent: { sum: 2 } });
    expect(referenceSchemaProblems(loadReferenceSchema("v2/McpServerToolCallResponse.json"), called.result)).toEqual([]);
    expect(h.authorizations).toContain("Bearer tok-123");
    const unknown = await s.request("mcpServer/tool/call", { threadId: "none", server: "nope", tool: "add" });
    expect(unknown.error).toMatchObject({ code: -32600, message: expect.stringContaining("unknown MCP server") });
    const reload = await s.request("config/mcpServer/reload");
    expect(reload.result).toEqual({});
    const again = await s.request("mcpServerStatus/list", {});
    expect((again.result as { data: JsonObject[] }).data[0]).toMatchObject({ name: "web", runtimeStatus: "connected", httpOrigin: new URL(h.url).origin });
  });
});

describe("elicitation and approvals", () => {
  it("withdraws an approval question when the turn is interrupted", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__delete_all"), textTurn("unused"));
    const thread = await s.request("thread/start", { cwd: process.cwd() });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: "delete" }] });
    const turnId = (turn.result as { turn: { id: string } }).turn.id;
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "mcpServer/elicitation/request" && "id" in m), 15_000, "an approval request");
    await s.request("turn/interrupt", { threadId, turnId });
    await s.waitFor(() => v2(s, "turn/completed")[0], 15_000, "turn/completed");
    expect((v2(s, "turn/completed")[0]!.turn as JsonObject).status).toBe("interrupted");
    await s.waitFor(() => s.notifications("$/cancelRequest").find((m) => (m.params as JsonObject).id === ask.id), 10_000, "$/cancelRequest");
    // The call never ran.
    expect(v2(s, "item/completed").filter((p) => (p.item as JsonObject).type === "mcpToolCall")).toEqual([]);
  });

  const elicitations = (s: ServerProcess) => s.messages.filter((m) => m.method === "mcpServer/elicitation/request" && "id" in m);

  it("sends a server's elicitation to the client as mcpServer/elicitation/request and returns its answer", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__ask"), textTurn("done"));
    const thread = await s.request("thread/start", { cwd: process.cwd() });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: "ask me" }] });
    const turnId = (turn.result as { turn: { id: string } }).turn.id;
    const ask = await s.waitFor(() => elicitations(s)[0], 15_000, "an elicitation request");
    expect(ask.params).toMatchObject({ threadId, turnId, serverName: "tools", mode: "form", message: "Pick a colour", requestedSchema: { type: "object" } });
    expect(referenceSchemaProblems(loadReferenceSchema("McpServerElicitationRequestParams.json"), ask.params)).toEqual([]);
    s.send({ id: ask.id as number, result: { action: "accept", content: { colour: "blue" } } });
    await s.waitFor(() => (v2(s, "turn/completed").length >= 1 ? true : undefined), 20_000, "turn/completed");
    const item = v2(s, "item/completed").map((p) => p.item as JsonObject).find((i) => i.type === "mcpToolCall")!;
    const text = (item.result as { content: { text: string }[] }).content[0]!.text;
    expect(JSON.parse(text)).toEqual({ action: "accept", content: { colour: "blue" } });
  });

  it("asks before a destructive tool runs and reports a declined call; under `never` it runs without asking", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__delete_all"), textTurn("declined"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "delete");
    const ask = await s.waitFor(() => elicitations(s)[0], 15_000, "an approval request");
    expect(ask.params).toMatchObject({
      serverName: "tools",
      message: 'The tools MCP server wants to run the tool "delete_all", which may modify or delete data. Allow this action?',
      _meta: { codex_approval_kind: "mcp_tool_call" },
    });
    s.send({ id: ask.id as number, result: { action: "decline" } });
    await turnsEnded(s);
    expect(events(s, "mcp_tool_call_end")[0]).toMatchObject({ call_id: "c1", result: { Err: "user rejected MCP tool call" } });
    expect(outputFor("c1")).toBe("err: user rejected MCP tool call");

    const never = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`]), "never"));
    model.enqueue(call("c2", "mcp__tools__delete_all"), textTurn("ran"));
    const other = await openConversation(never);
    await say(never, other.conversationId, "delete");
    await turnsEnded(never);
    expect(elicitations(never)).toEqual([]);
    expect(events(never, "mcp_tool_call_end")[0]).toMatchObject({ call_id: "c2", result: { Ok: { content: [{ type: "text", text: "called delete_all" }] } } });
  });
});

describe("lifecycle", () => {
  it("kills a server's whole process group at shutdown and restarts servers on reload", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`, "--spawn-child"])));
    const pidOf = async () => {
      const res = await s.request("mcpServer/tool/call", { threadId: "t", server: "tools", tool: "pid" });
      expect(res.error).toBeUndefined();
      return Number((res.result as { content: { text: string }[] }).content[0]!.text);
    };
    const before = await pidOf();
    await s.waitFor(() => (processesWith(`child-of-${marker}`).length > 0 ? true : undefined), 10_000, "the server's child");
    expect((await s.request("config/mcpServer/reload")).error).toBeUndefined();
    const after = await pidOf();
    expect(after).not.toBe(before);
    expect(processesWith(marker)).not.toContain(before);
    expect((await s.closeStdin()).code).toBe(0);
    expect(processesWith(marker)).toEqual([]);
  });

  it("shares servers across threads and leaves no server process behind at shutdown", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, stdioServerToml("tools", [`--marker=${marker}`])));
    model.enqueue(call("c1", "mcp__tools__pid"), textTurn("one"), call("c2", "mcp__tools__pid"), textTurn("two"));
    await v2Turn(s, "first", 1);
    await v2Turn(s, "second", 2);
    const pids = v2(s, "item/completed")
      .map((p) => p.item as JsonObject)
      .filter((i) => i.type === "mcpToolCall")
      .map((i) => ((i.result as { content: { text: string }[] }).content[0]!.text));
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(pids[1]);
    expect(processesWith(marker).length).toBeGreaterThan(0);
    const exit = await s.closeStdin();
    expect(exit.code).toBe(0);
    expect(processesWith(marker)).toEqual([]);
  });
});
