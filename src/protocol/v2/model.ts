// v2 model/list (codex 0.169's shapes): the models a client may offer in its picker.
import * as s from "../schema.js";

export const ReasoningEffortOption = s.object({ reasoningEffort: s.string(), description: s.string() });
export type ReasoningEffortOption = s.Infer<typeof ReasoningEffortOption>;

export const InputModality = s.enumOf(["text", "image", "audio"]);

export const Model = s.object({
  id: s.string(),
  model: s.string(),
  upgrade: s.nullable(s.string()),
  upgradeInfo: s.nullable(s.unknown()),
  availabilityNux: s.nullable(s.object({ message: s.string() })),
  displayName: s.string(),
  description: s.string(),
  modelSpecialty: s.nullable(s.string()),
  hidden: s.boolean(),
  supportedReasoningEfforts: s.array(ReasoningEffortOption),
  defaultReasoningEffort: s.string(),
  inputModalities: s.array(InputModality),
  supportsPersonality: s.boolean(),
  multiAgentVersion: s.nullable(s.enumOf(["disabled", "v1", "v2"])),
  additionalSpeedTiers: s.array(s.string()),
  serviceTiers: s.array(s.object({ id: s.string(), name: s.string(), description: s.string() })),
  defaultServiceTier: s.nullable(s.string()),
  availableAccessPrograms: s.nullable(s.unknown()),
  isDefault: s.boolean(),
});
export type Model = s.Infer<typeof Model>;

export const ModelListParams = s.object({
  cursor: s.optional(s.string()),
  limit: s.optional(s.integer()),
  includeHidden: s.optional(s.boolean()),
  modelProvider: s.optional(s.string()),
});
export type ModelListParams = s.Infer<typeof ModelListParams>;

export const ModelListResponse = s.object({ data: s.array(Model), nextCursor: s.nullable(s.string()) });
export type ModelListResponse = s.Infer<typeof ModelListResponse>;
