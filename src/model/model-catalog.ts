// The models model/list offers: built-in entries for the Codex models this server knows (used
// when the provider has no model listing), and the mapping of a provider's listed ids to entries.
// Context windows and reasoning support come from the model families, defined once there.
import type { Model, ReasoningEffortOption } from "../protocol/v2/model.js";
import { findModelFamily } from "./model-family.js";

type Effort = "minimal" | "low" | "medium" | "high" | "xhigh";

const EFFORT_TEXT: Record<Effort, string> = {
  minimal: "Fastest responses with little reasoning",
  low: "Fast responses with lighter reasoning",
  medium: "Balances speed and reasoning depth for everyday tasks",
  high: "Greater reasoning depth for complex problems",
  xhigh: "Extra high reasoning depth for complex problems",
};

interface Known {
  slug: string;
  displayName: string;
  description: string;
  efforts: readonly Effort[];
  defaultEffort: Effort;
  hidden?: boolean;
}

/** Newest first, as pickers show them; hidden ones only with includeHidden. */
const KNOWN_MODELS: readonly Known[] = [
  { slug: "gpt-5.1-codex-max", displayName: "gpt-5.1-codex-max", description: "Codex-optimized flagship for deep and fast reasoning.", efforts: ["low", "medium", "high", "xhigh"], defaultEffort: "medium" },
  { slug: "gpt-5.1-codex", displayName: "gpt-5.1-codex", description: "Optimized for codex.", efforts: ["low", "medium", "high"], defaultEffort: "medium" },
  { slug: "gpt-5.1-codex-mini", displayName: "gpt-5.1-codex-mini", description: "Optimized for codex. Cheaper, faster, but less capable.", efforts: ["medium", "high"], defaultEffort: "medium" },
  { slug: "gpt-5.1", displayName: "gpt-5.1", description: "Broad world knowledge with strong general reasoning.", efforts: ["low", "medium", "high"], defaultEffort: "medium" },
  { slug: "gpt-5-codex", displayName: "gpt-5-codex", description: "Optimized for codex.", efforts: ["low", "medium", "high"], defaultEffort: "medium", hidden: true },
  { slug: "gpt-5", displayName: "gpt-5", description: "Broad world knowledge with strong general reasoning.", efforts: ["minimal", "low", "medium", "high"], defaultEffort: "medium", hidden: true },
];

function efforts(list: readonly Effort[]): ReasoningEffortOption[] {
  return list.map((e) => ({ reasoningEffort: e, description: EFFORT_TEXT[e] }));
}

function entry(slug: string, known: Known | undefined): Model {
  // A listed model we know nothing about: reasoning options only if its family takes them.
  const reasoning = known ? known.efforts : findModelFamily(slug).supportsReasoningSummaries ? (["low", "medium", "high"] as const) : [];
  return {
    id: slug,
    model: slug,
    upgrade: null,
    upgradeInfo: null,
    availabilityNux: null,
    displayName: known?.displayName ?? slug,
    description: known?.description ?? "",
    modelSpecialty: null,
    hidden: known?.hidden ?? false,
    supportedReasoningEfforts: efforts(reasoning),
    defaultReasoningEffort: known?.defaultEffort ?? "medium",
    inputModalities: ["text", "image"],
    supportsPersonality: false,
    multiAgentVersion: null,
    additionalSpeedTiers: [],
    serviceTiers: [],
    defaultServiceTier: null,
    availableAccessPrograms: null,
    isDefault: false,
  };
}

/** `defaultModel` (the configured one) is marked isDefault; without it, the first listed. */
function markDefault(models: Model[], defaultModel: string | undefined): Model[] {
  const index = Math.max(0, defaultModel === undefined ? 0 : models.findIndex((m) => m.id === defaultModel));
  return models.map((m, i) => (i === index && !m.hidden ? { ...m, isDefault: true } : m));
}

export function builtInModels(defaultModel: string | undefined): Model[] {
  return markDefault(KNOWN_MODELS.map((k) => entry(k.slug, k)), defaultModel);
}

/** Entries for the ids a provider listed, in its order, known details filled in. */
export function listedModels(ids: readonly string[], defaultModel: string | undefined): Model[] {
  const bySlug = new Map(KNOWN_MODELS.map((k) => [k.slug, k]));
  return markDefault([...new Set(ids)].map((id) => entry(id, bySlug.get(id))), defaultModel);
}
