// The checker the integration tests use against codex 0.169's schemas finds what a typed client would trip on.
import { describe, expect, it } from "vitest";
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
});
