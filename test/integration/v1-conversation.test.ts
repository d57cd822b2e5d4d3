// v1 conversations over the real bin against a fake Responses API on 127.0.0.1.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, httpError, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject } from "../support/server-process.js";
import { eventTypes, events, fakeProviderToml, openConversation, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const ready = () => startInitialized(start, fakeProviderToml(model));
const newConversation = openConversation;
const turnDone = turnsEnded;

describe("v1 conversation", () => {
  it("streams a text turn in the reference's event order and sends originator and user agent", async () => {
    const s = await ready();
    model.enqueue(textTurn("Hello there world", { id: "msg_1", deltas: ["Hello ", "there ", "world"] }));
    const { conversationId, rolloutPath } = await newConversation(s);
    expect(existsSync(rolloutPath)).toBe(true);
    const configured = await s.waitFor(() => s.notifications("sessionConfigured")[0], 5_000, "sessionConfigured");
    expect(configured.params).toMatchObject({ sessionId: conversationId, model: "test-model", rolloutPath, initialMessages: null });
    const sent = await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "hi" } }] });
    expect(sent.result).toEqual({});
    await turnDone(s);
    expect(eventTypes(s)).toEqual([
      "task_started",
      "item_started",
      "item_completed",
      "user_message",
      "token_count",
      "item_started",
      ...Array(3).fill(["agent_message_content_delta", "agent_message_delta"]).flat(),
      "item_completed",
      "agent_message",
      "token_count",
      "task_complete",
    ]);
    expect(events(s, "agent_message_delta").map((m) => m.delta)).toEqual(["Hello ", "there ", "world"]);
    expect(events(s, "task_complete")[0]).toEqual({ type: "task_complete", last_agent_message: "Hello there world" });
    const usage = events(s, "token_count")[1] as { info: { total_token_usage: JsonObject } };
    expect(usage.info.total_token_usage).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
    for (const n of s.notifications("codex/event/task_started")) expect(n.params).toMatchObject({ id: "0", conversationId });

    const request = model.requests[0]!;
    expect(request.path).toBe("/v1/responses");
    expect(request.headers.originator).toBe("v1_ide");
    expect(request.headers["user-agent"]).toMatch(/^v1_ide\/\S+ .*\(v1_ide; 9\.9\)$/);
    expect(request.headers.authorization).toBe("Bearer sk-fake-123");
    expect(request.headers.session_id).toBe(conversationId);
    expect(request.body).toMatchObject({ model: "test-model", stream: true, store: false, prompt_cache_key: conversationId });
    const input = request.body.input as JsonObject[];
    expect(input.at(-1)).toEqual({ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] });
    expect((request.body.tools as JsonObject[]).map((t) => t.name)).toEqual(["shell", "update_plan"]);

    // The rollout holds the meta, the user message and the answer.
    await s.closeStdin();
    const lines = readFileSync(rolloutPath, "utf8").trim().split("\n").map((l) => JSON.parse(l) as JsonObject);
    expect(lines[0]).toMatchObject({ type: "session_meta", payload: { id: conversationId, originator: "v1_ide", model_provider: "fake" } });
    const eventMsgs = lines.filter((l) => l.type === "event_msg").map((l) => (l.payload as JsonObject).type);
    // task_started / task_complete carry the turn's id and times, as 0.169 records them.
    expect(eventMsgs).toEqual(["task_started", "user_message", "agent_message", "token_count", "task_complete"]);
  });

  it("sends the history of earlier turns to the model", async () => {
    const s = await ready();
    model.enqueue(textTurn("first answer"), textTurn("second answer"));
    const { conversationId } = await newConversation(s);
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "one" } }] });
    await turnDone(s, 1);
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "two" } }] });
    await turnDone(s, 2);
    const second = model.requests[1]!.body.input as JsonObject[];
    const texts = second.flatMap((i) => ((i.content as JsonObject[] | undefined) ?? []).map((c) => c.text));
    expect(texts).toEqual(expect.arrayContaining(["one", "first answer", "two"]));
    expect(events(s, "task_started").length).toBe(2);
    expect(s.notifications("codex/event/task_started").map((n) => (n.params as JsonObject).id)).toEqual(["0", "1"]);
  });

  it("reports a 400 as an error event and stays usable", async () => {
    const s = await ready();
    model.enqueue(httpError(400, '{"error":{"message":"bad thing"}}'), textTurn("recovered"));
    const { conversationId } = await newConversation(s);
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "x" } }] });
    await turnDone(s, 1);
    expect(events(s, "error")).toEqual([{ type: "error", message: "unexpected status 400 Bad Request: bad thing", codex_error_info: "bad_request" }]);
    expect(events(s, "task_complete")[0]).toEqual({ type: "task_complete", last_agent_message: null });
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "again" } }] });
    await turnDone(s, 2);
    expect(events(s, "task_complete")[1]).toEqual({ type: "task_complete", last_agent_message: "recovered" });
  });

  it("asks before running a command under untrusted, runs it when approved, and feeds the output back", async () => {
    const s = await ready();
    model.enqueue(
      functionCallTurn({ callId: "call_A", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo approved-output && touch approved.txt"] }) }),
      textTurn("done"),
    );
    // workspace-write: the approved command may write in its cwd, inside the sandbox.
    const { conversationId } = await newConversation(s, { cwd: s.codexHome, sandbox: "workspace-write" });
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "run it" } }] });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "execCommandApproval" && "id" in m), 10_000, "approval request");
    expect(ask.params).toMatchObject({ conversationId, callId: "call_A", command: ["bash", "-c", "echo approved-output && touch approved.txt"], reason: null });
    expect(existsSync(`${s.codexHome}/approved.txt`)).toBe(false);
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    await turnDone(s);
    expect(existsSync(`${s.codexHome}/approved.txt`)).toBe(true);
    const end = events(s, "exec_command_end")[0]!;
    expect(end).toMatchObject({ call_id: "call_A", exit_code: 0, stdout: "approved-output\n" });
    expect(events(s, "exec_command_output_delta").map((m) => Buffer.from(m.chunk as string, "base64").toString()).join("")).toBe(
      "approved-output\n",
    );
    const followUp = model.requests[1]!.body.input as JsonObject[];
    const output = followUp.find((i) => i.type === "function_call_output")!;
    expect(output.call_id).toBe("call_A");
    expect(JSON.parse(output.output as string)).toMatchObject({ output: "approved-output\n", metadata: { exit_code: 0 } });
  });

  it("does not run a denied command and tells the model", async () => {
    const s = await ready();
    model.enqueue(
      functionCallTurn({ callId: "call_D", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", "touch should-not-exist"] }) }),
      textTurn("ok, not running it"),
    );
    const { conversationId } = await newConversation(s, { cwd: s.codexHome });
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "touch" } }] });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "execCommandApproval" && "id" in m), 10_000, "approval request");
    s.send({ id: ask.id as number, result: { decision: "denied" } });
    await turnDone(s);
    expect(existsSync(`${s.codexHome}/should-not-exist`)).toBe(false);
    expect(events(s, "exec_command_end")[0]).toMatchObject({ exit_code: -1, stderr: "exec command rejected by user" });
    const output = (model.requests[1]!.body.input as JsonObject[]).find((i) => i.type === "function_call_output")!;
    expect(output.output).toBe("exec command rejected by user");
  });

  it("answers interruptConversation on an idle conversation and refuses unknown ids", async () => {
    const s = await ready();
    const { conversationId } = await newConversation(s);
    expect((await s.request("interruptConversation", { conversationId })).result).toEqual({ abortReason: "interrupted" });
    const missing = await s.request("sendUserMessage", { conversationId: "0195c0de-0000-7000-8000-000000000000", items: [] });
    expect(missing.error).toMatchObject({ code: -32600, message: "conversation not found: 0195c0de-0000-7000-8000-000000000000" });
    const bad = await s.request("sendUserMessage", { conversationId, items: [{ type: "text" }] });
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain("items[0]");
  });

  it("applies sendUserTurn overrides to that turn and later ones, and sends images", async () => {
    const s = await ready();
    model.enqueue(textTurn("one"), textTurn("two"));
    const { conversationId } = await newConversation(s);
    writeFileSync(`${s.codexHome}/pic.png`, Buffer.from([1, 2, 3]));
    const turn = await s.request("sendUserTurn", {
      conversationId,
      items: [
        { type: "text", data: { text: "look" } },
        { type: "image", data: { image_url: "data:image/png;base64,AAAA" } },
        { type: "localImage", data: { path: "pic.png" } },
      ],
      cwd: s.codexHome,
      approvalPolicy: "never",
      sandboxPolicy: { type: "read-only" },
      model: "o3-override",
      effort: "high",
      summary: "concise",
    });
    expect(turn.result).toEqual({});
    await turnDone(s, 1);
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "later" } }] });
    await turnDone(s, 2);
    const [first, second] = model.requests;
    expect(first!.body).toMatchObject({ model: "o3-override", reasoning: { effort: "high", summary: "concise" } });
    expect(second!.body.model).toBe("o3-override");
    const user = (first!.body.input as JsonObject[]).at(-1)!;
    expect(user.content).toEqual([
      { type: "input_text", text: "look" },
      { type: "input_image", image_url: "data:image/png;base64,AAAA" },
      { type: "input_image", image_url: `data:image/png;base64,${Buffer.from([1, 2, 3]).toString("base64")}` },
    ]);
    expect(JSON.stringify(first!.body.input)).toContain(`<cwd>${process.cwd()}</cwd>`);
  });

  it("offers update_plan unless includePlanTool is false", async () => {
    const s = await ready();
    model.enqueue(textTurn("x"));
    const { conversationId } = await newConversation(s, { includePlanTool: false });
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "plan?" } }] });
    await turnDone(s);
    expect((model.requests[0]!.body.tools as JsonObject[]).map((t) => t.name)).toEqual(["shell"]);
  });

  it("stops events after removeConversationListener and refuses an unknown subscription", async () => {
    const s = await ready();
    model.enqueue(textTurn("unheard"));
    const res = await s.request("newConversation", {});
    const { conversationId } = res.result as { conversationId: string };
    const { subscriptionId } = (await s.request("addConversationListener", { conversationId })).result as { subscriptionId: string };
    expect((await s.request("removeConversationListener", { subscriptionId })).result).toEqual({});
    expect((await s.request("removeConversationListener", { subscriptionId })).error?.message).toBe(`subscription not found: ${subscriptionId}`);
    await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "anyone?" } }] });
    await s.waitFor(() => (model.requests.length === 1 && model.pending() === 0 ? true : undefined), 10_000, "the model call");
    // Give the turn time to finish; nothing may arrive on this connection.
    await new Promise((r) => setTimeout(r, 300));
    expect(eventTypes(s)).toEqual([]);
    expect((await s.request("addConversationListener", { conversationId: "0195c0de-0000-7000-8000-000000000000" })).error?.message).toBe(
      "thread not found: 0195c0de-0000-7000-8000-000000000000",
    );
  });

  it("fails newConversation with the config file and line when config.toml is broken", async () => {
    const s = start({ configToml: 'model = "x"\napproval_policy = 5\n' });
    await s.initialize();
    const res = await s.request("newConversation", {});
    expect(res.error?.code).toBe(-32600);
    expect(res.error?.message).toMatch(/^error deriving config: .*config\.toml:2:19: approval_policy/);
  });
});
