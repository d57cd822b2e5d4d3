// A model response's x-codex-* rate-limit headers reach the client as they arrive: v2's
// account/rateLimits/updated, and v1's token_count rate_limits (0.90's snake_case).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sse, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const HEADERS = {
  "x-codex-primary-used-percent": "12.5",
  "x-codex-primary-window-minutes": "300",
  "x-codex-primary-reset-at": "1900000000",
  "x-codex-credits-has-credits": "true",
  "x-codex-credits-unlimited": "false",
  "x-codex-credits-balance": "3.00",
};

describe("account/rateLimits/updated", () => {
  it("is sent for each response that carries rate-limit headers, with 0.169's snapshot shape; none without", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("no headers"), sse(textTurn("with headers"), { headers: HEADERS }));
    const thread = ((await s.request("thread/start", { cwd: s.codexHome })).result as { thread: JsonObject }).thread;
    await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "one" }] });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    expect(s.notifications("account/rateLimits/updated")).toEqual([]);

    await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "two" }] });
    await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "turn/completed");
    const updates = s.notifications("account/rateLimits/updated").map((m) => m.params as { rateLimits: JsonObject });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.rateLimits).toMatchObject({
      limitId: "codex",
      primary: { usedPercent: 13, windowDurationMins: 300, resetsAt: 1900000000 },
      secondary: null,
      credits: { hasCredits: true, unlimited: false, balance: "3.00" },
    });
    // The same snapshot account/rateLimits/read answers afterwards.
    expect(((await s.request("account/rateLimits/read")).result as { rateLimits: JsonObject }).rateLimits).toEqual(updates[0]!.rateLimits);
    // Shape: only the fields this server knows are checked here (0.169's extra account fields are the conformance work's).
    const problems = referenceSchemaProblems(loadReferenceSchema("v2/AccountRateLimitsUpdatedNotification.json"), updates[0]);
    expect(problems.filter((p) => !/normalModelSlug|individualLimit|spendControlReached|rateLimitReachedType/.test(p))).toEqual([]);
  });
});

describe("v1 token_count rate_limits", () => {
  it("carries the last response's headers in 0.90's snake_case; all null before any", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("no headers"), sse(textTurn("with headers"), { headers: HEADERS }));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "one");
    await turnsEnded(s, 1);
    const before = events(s, "token_count").at(-1)!;
    expect(before.rate_limits).toEqual({ primary: null, secondary: null, credits: null, plan_type: null });
    await say(s, conversationId, "two");
    await turnsEnded(s, 2);
    expect(events(s, "token_count").at(-1)!.rate_limits).toEqual({
      primary: { used_percent: 13, window_minutes: 300, resets_at: 1900000000 },
      secondary: null,
      credits: { has_credits: true, unlimited: false, balance: "3.00" },
      plan_type: null,
    });
  });
});
