// review/start over the real bin against the fake model: the request carries the review guidelines
// (instead of the usual instructions) and the target's prompt; the client sees enteredReviewMode,
// the reviewer's output, exitedReviewMode with the rendered findings, and those findings as the
// final message; a follow-up turn sees the review; detached delivery runs on a new thread.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const FINDINGS = {
  findings: [
    {
      title: "[P1] Off-by-one skips the last item",
      body: "The loop stops at `len - 1`.\nEvery list loses its tail.",
      confidence_score: 0.8,
      priority: 1,
      code_location: { absolute_file_path: "/repo/src/list.ts", line_range: { start: 10, end: 12 } },
    },
  ],
  overall_correctness: "patch is incorrect",
  overall_explanation: "One bug drops data.",
  overall_confidence_score: 0.7,
};
const RENDERED = "One bug drops data.\n\nReview comment:\n\n- [P1] Off-by-one skips the last item — /repo/src/list.ts:10-12\n  The loop stops at `len - 1`.\n  Every list loses its tail.";

function params(s: ServerProcess, method: string): JsonObject[] {
  return s.notifications(method).map((m) => m.params as JsonObject);
}

async function thread(s: ServerProcess): Promise<string> {
  const res = await s.request("thread/start", { cwd: process.cwd() });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: { id: string } }).thread.id;
}

function textOf(item: any): string {
  return (item.content as { type: string; text?: string }[]).map((c) => c.text ?? "").join("");
}

describe("review/start", () => {
  it("runs a review turn: guidelines and prompt to the model, review items, findings as the final message", async () => {
    model.enqueue(textTurn(JSON.stringify(FINDINGS)), textTurn("will fix"));
    const s = await startInitialized(start, fakeProviderToml(model));
    const threadId = await thread(s);
    const res = await s.request("review/start", { threadId, target: { type: "commit", sha: "0123456789abcdef", title: "Fix lists" } });
    expect(res.error).toBeUndefined();
    expect(referenceSchemaProblems(loadReferenceSchema("v2/ReviewStartResponse.json"), res.result)).toEqual([]);
    const result = res.result as { reviewThreadId: string; turn: { id: string; status: string; items: JsonObject[] } };
    expect(result.reviewThreadId).toBe(threadId);
    expect(result.turn.status).toBe("inProgress");
    expect(result.turn.items).toMatchObject([{ type: "userMessage", content: [{ type: "text", text: "commit 0123456: Fix lists" }] }]);

    await s.waitFor(() => params(s, "turn/completed")[0], 15_000, "the review turn to complete");
    const items = params(s, "item/completed").filter((p) => p.turnId === result.turn.id).map((p) => p.item as JsonObject);
    expect(items.map((i) => i.type)).toEqual(["enteredReviewMode", "userMessage", "agentMessage", "exitedReviewMode", "agentMessage"]);
    expect(items[0]).toMatchObject({ review: "commit 0123456: Fix lists" });
    expect(items[3]).toMatchObject({ review: RENDERED });
    expect(items[4]).toMatchObject({ text: RENDERED });
    expect(params(s, "turn/completed")[0]!.turn).toMatchObject({ id: result.turn.id, status: "completed" });

    // The model was asked as a reviewer: the guidelines replace the instructions, the prompt names the commit.
    const body = model.requests[0]!.body;
    expect(body.instructions).toContain("# How to review");
    expect(body.instructions).toContain('"overall_correctness": "patch is correct" | "patch is incorrect"');
    const userTexts = (body.input as any[]).filter((i) => i.role === "user").map(textOf);
    expect(userTexts.at(-1)).toBe('Review the changes made by commit 0123456789abcdef ("Fix lists"). Report prioritized, actionable findings.');

    // A follow-up turn in the thread sees the rendered review, not the reviewer's raw exchange.
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "fix it" }] });
    await s.waitFor(() => params(s, "turn/completed")[1], 15_000, "the follow-up turn");
    const followUp = model.requests[1]!.body;
    expect(followUp.instructions).not.toContain("# How to review");
    const history = (followUp.input as any[]).filter((i) => i.type === "message").map((i) => [i.role, textOf(i)]);
    expect(history.slice(-3)).toEqual([
      ["user", 'Review the changes made by commit 0123456789abcdef ("Fix lists"). Report prioritized, actionable findings.'],
      ["assistant", RENDERED],
      ["user", "fix it"],
    ]);
  });

  it("uncommitted changes and custom instructions; an answer that is not JSON is shown as is", async () => {
    model.enqueue(textTurn("Looks fine to me."));
    const s = await startInitialized(start, fakeProviderToml(model));
    const threadId = await thread(s);
    const res = await s.request("review/start", { threadId, target: { type: "uncommittedChanges" }, delivery: "inline" });
    expect((res.result as { turn: { items: JsonObject[] } }).turn.items[0]).toMatchObject({ content: [{ text: "current changes" }] });
    await s.waitFor(() => params(s, "turn/completed")[0], 15_000, "the review turn to complete");
    const exited = params(s, "item/completed").map((p) => p.item as JsonObject).find((i) => i.type === "exitedReviewMode");
    expect(exited).toMatchObject({ review: "Looks fine to me." });
    const prompt = (model.requests[0]!.body.input as any[]).filter((i) => i.role === "user").map(textOf).at(-1);
    expect(prompt).toMatch(/uncommitted changes.*staged, unstaged and untracked/);

    const empty = await s.request("review/start", { threadId, target: { type: "custom", instructions: "  " } });
    expect(empty.error).toMatchObject({ code: -32602 });
    const unknown = await s.request("review/start", { threadId: "nope", target: { type: "uncommittedChanges" } });
    expect(unknown.error).toMatchObject({ code: -32600 });
  });

  it("detached delivery reviews on a new thread and reports its id", async () => {
    model.enqueue(textTurn(JSON.stringify({ ...FINDINGS, findings: [] })));
    const s = await startInitialized(start, fakeProviderToml(model));
    const threadId = await thread(s);
    const res = await s.request("review/start", { threadId, target: { type: "custom", instructions: "Check the error handling" }, delivery: "detached" });
    const result = res.result as { reviewThreadId: string; turn: { id: string } };
    expect(result.reviewThreadId).not.toBe(threadId);
    expect(params(s, "thread/started").map((p) => (p.thread as JsonObject).id)).toContain(result.reviewThreadId);
    const done = await s.waitFor(() => params(s, "turn/completed")[0], 15_000, "the review turn to complete");
    expect(done.threadId).toBe(result.reviewThreadId);
    const exited = params(s, "item/completed").map((p) => p.item as JsonObject).find((i) => i.type === "exitedReviewMode");
    expect(exited).toMatchObject({ review: "One bug drops data." });
    expect((model.requests[0]!.body.input as any[]).filter((i) => i.role === "user").map(textOf).at(-1)).toBe("Check the error handling");
  });
});
