// A model request that fails for good ends the turn with a readable message and the reference's
// kind of failure (v2 codexErrorInfo, v1 codex_error_info), never the raw response body.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpError, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

/** The fake provider with `retries` request-level retries. */
function withRetries(retries: number): string {
  return fakeProviderToml(model).replace("request_max_retries = 0", `request_max_retries = ${retries}`);
}

/** Starts a thread, runs one turn and returns its turn/completed turn and its error notifications. */
async function failedV2Turn(s: ServerProcess): Promise<{ turn: JsonObject; errors: JsonObject[] }> {
  const started = await s.request("thread/start", { cwd: process.cwd() });
  const threadId = (started.result as { thread: { id: string } }).thread.id;
  await s.request("turn/start", { threadId, input: [{ type: "text", text: "x" }] });
  const done = await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
  const turn = (done.params as { turn: JsonObject }).turn;
  return { turn, errors: s.notifications("error").map((n) => (n.params as { error: JsonObject }).error) };
}

const body = (error: JsonObject) => JSON.stringify({ error });

describe("model failures", () => {
  it("a 500 whose retries are spent fails the turn with internalServerError and a short message", async () => {
    const s = await startInitialized(start, withRetries(2));
    const page = `<html><body>${"upstream exploded ".repeat(20_000)}</body></html>`;
    model.enqueue(httpError(500, page), httpError(500, page), httpError(500, page));
    const { turn, errors } = await failedV2Turn(s);
    expect(model.requests).toHaveLength(3);
    expect(turn.status).toBe("failed");
    const error = turn.error as { message: string; codexErrorInfo: unknown };
    expect(error.codexErrorInfo).toBe("internalServerError");
    expect(error.message).toMatch(/^unexpected status 500 Internal Server Error: <html><body>upstream exploded/);
    expect(error.message.length).toBeLessThanOrEqual(2048);
    expect(errors).toEqual([turn.error]);
  });

  it("a 401 is unauthorized, with the body's own message", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(httpError(401, body({ message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" })));
    const { turn } = await failedV2Turn(s);
    expect(turn.error).toEqual({
      message: "unexpected status 401 Unauthorized: Incorrect API key provided",
      codexErrorInfo: "unauthorized",
      additionalDetails: null,
    });
  });

  it("a 429 usage-limit answer is not retried and is usageLimitExceeded", async () => {
    const s = await startInitialized(start, withRetries(3));
    model.enqueue(httpError(429, body({ type: "usage_limit_reached", message: "The usage limit has been reached" })));
    const { turn } = await failedV2Turn(s);
    expect(model.requests).toHaveLength(1);
    expect(turn.error).toEqual({ message: "You've hit your usage limit. Try again later.", codexErrorInfo: "usageLimitExceeded", additionalDetails: null });
  });

  it("a 400 context_length_exceeded is contextWindowExceeded (once compaction and a retry did not help); another 400 is badRequest", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const overflow = () => httpError(400, body({ message: "Your input exceeds the context window of this model.", type: "invalid_request_error", code: "context_length_exceeded" }));
    model.enqueue(
      overflow(),
      textTurn("summary"),
      overflow(),
      httpError(400, body({ message: "Invalid value for 'input'.", type: "invalid_request_error" })),
    );
    const { turn } = await failedV2Turn(s);
    expect(turn.error).toMatchObject({ codexErrorInfo: "contextWindowExceeded", message: expect.stringMatching(/^Codex ran out of room in the model's context window/) });
    const threadId = (s.notifications("thread/started")[0]!.params as { thread: { id: string } }).thread.id;
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "again" }] });
    const second = await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "second turn/completed");
    expect((second.params as { turn: JsonObject }).turn.error).toEqual({
      message: "unexpected status 400 Bad Request: Invalid value for 'input'.",
      codexErrorInfo: "badRequest",
      additionalDetails: null,
    });
  });

  it("a refused connection is httpConnectionFailed", async () => {
    await model.close(); // nothing listens on its port any more
    const s = await startInitialized(start, fakeProviderToml(model));
    const { turn } = await failedV2Turn(s);
    expect(turn.error).toMatchObject({
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: null } },
      message: expect.stringMatching(/^error sending request for url \(http:\/\/127\.0\.0\.1:\d+\/v1\/responses\): /),
    });
  });

  it("v1 error events carry the readable message and the snake_case kind; the conversation stays usable", async () => {
    const s = await startInitialized(start, withRetries(1));
    model.enqueue(httpError(503, body({ message: "overloaded, try later" })), httpError(503, body({ message: "overloaded, try later" })), textTurn("back"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "x");
    await turnsEnded(s, 1);
    expect(events(s, "error")).toEqual([
      { type: "error", message: "unexpected status 503 Service Unavailable: overloaded, try later", codex_error_info: "internal_server_error" },
    ]);
    await say(s, conversationId, "again");
    await turnsEnded(s, 2);
    expect(events(s, "task_complete")[1]).toEqual({ type: "task_complete", last_agent_message: "back" });
  });
});
