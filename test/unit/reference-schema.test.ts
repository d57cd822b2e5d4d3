// The checker the integration tests use against codex 0.169's schemas finds what a typed client would trip on.
import { describe, expect, it } from "vitest";
import { notificationProblems, resultProblems, serverRequestProblems } from "../support/reference-contract.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";

const model = {
  id: "m", model: "m", upgrade: null, upgradeInfo: null, availabilityNux: null, displayName: "m", description: "",
  modelSpecialty: null, hidden: false, supportedReasoningEfforts: [{ reasoningEffort: "low", description: "x" }],
  defaultReasoningEffort: "low", inputModalities: ["text"], supportsPersonality: false, multiAgentVersion: null,
  additionalSpeedTiers: [], serviceTiers: [], defaultServiceTier: null, availableAccessPrograms: null, isDefault: true,
};

describe("reference schema check", () => {
  const schema = loadReferenceSchema("v2/ModelListResponse.json");

  it("accepts a complete value", () => {
    expect(referenceSchemaProblems(schema, { data: [model], nextCursor: null })).toEqual([]);
  });

  it("reads a defaulted field as required, and checks types, enums and nested references", () => {
    const { serviceTiers: _dropped, ...noTiers } = model;
    expect(referenceSchemaProblems(schema, { data: [noTiers], nextCursor: null })).toEqual(["$.data[0].serviceTiers: missing"]);
    expect(referenceSchemaProblems(schema, { data: [{ ...model, hidden: "no" }] })).toEqual(["$.data[0].hidden: expected boolean, got string"]);
    expect(referenceSchemaProblems(schema, { data: [{ ...model, inputModalities: ["video"] }] })).toEqual([
      "$.data[0].inputModalities[0]: matches no member of oneOf",
    ]);
    expect(referenceSchemaProblems(loadReferenceSchema("v2/GetAccountResponse.json"), { account: { type: "nope" }, requiresOpenaiAuth: true, userId: null })).toEqual([
      "$.account: matches no member of anyOf",
    ]);
  });

  it("reads a nullable field as required when asked (what the server sends: the generated TypeScript types declare it `T | null`)", () => {
    expect(referenceSchemaProblems(schema, { data: [model] })).toEqual([]);
    expect(referenceSchemaProblems(schema, { data: [model] }, schema, { nullableRequired: true })).toEqual(["$.nextCursor: missing"]);
  });
});

describe("the 0.169 contract by method", () => {
  it("finds a result's schema from the request's method, and explains a tagged union member that does not fit", () => {
    const turn = { id: "t", items: [], itemsView: "full", status: "inProgress", error: null, rootTurnId: null, startedAt: 1, completedAt: null, durationMs: null };
    expect(resultProblems("turn/start", { turn })).toEqual([]);
    expect(resultProblems("turn/start", { turn: { ...turn, status: "running" } })).toEqual([`result of turn/start: $.turn.status: "running" not in enum`]);
    const item = { type: "agentMessage", id: "i", text: "", phase: null, memoryCitation: null, moderation: null, delivery: null, questions: null, startedAtMs: 1, completedAtMs: null };
    expect(notificationProblems("item/started", { threadId: "th", turnId: "t", startedAtMs: 1, item })).toEqual([]);
    const { phase: _phase, ...noPhase } = item;
    expect(notificationProblems("item/started", { threadId: "th", turnId: "t", startedAtMs: 1, item: noPhase })).toEqual([
      "notification item/started: $.item.phase: missing",
    ]);
  });

  it("leaves v1 messages (0.90's shapes) unchecked", () => {
    expect(resultProblems("newConversation", { anything: true })).toEqual([]);
    expect(notificationProblems("codex/event/task_started", { id: "0" })).toEqual([]);
    expect(serverRequestProblems("execCommandApproval", {})).toEqual([]);
    expect(serverRequestProblems("item/commandExecution/requestApproval", {}).length).toBeGreaterThan(0);
  });
});
