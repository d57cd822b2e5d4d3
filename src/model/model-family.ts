// What we know about a model from its name: context window, when to compact, whether it takes
// reasoning settings, how it prefers apply_patch. Figures as the reference's model families
// (codex-rs/core/src/openai_models/model_family.rs); unknown models get safe defaults: no known
// window (so nothing is promised or compacted on a guess), no reasoning parameters.

export type ApplyPatchToolType = "freeform" | "function";

export interface ModelFamily {
  slug: string;
  /** The family the slug belongs to ("gpt-5.1", "gpt-oss", …); the slug itself when unknown. */
  family: string;
  /** Tokens the model accepts; null when unknown. */
  contextWindow: number | null;
  /** Usage past this compacts the history; null: 90 % of the context window. */
  autoCompactTokenLimit: number | null;
  /** Whether a request may carry `reasoning` (effort, summary). */
  supportsReasoningSummaries: boolean;
  /** How the model prefers apply_patch; null: as a shell command. */
  applyPatchToolType: ApplyPatchToolType | null;
  /** Older models need apply_patch explained in their instructions. */
  needsApplyPatchInstructions: boolean;
  /** Share of the window left for input once output and tool overhead are reserved; what clients are told. */
  effectiveContextWindowPercent: number;
}

const CONTEXT_WINDOW_272K = 272_000;

type Traits = Partial<Omit<ModelFamily, "slug" | "family">> & { family?: string };

/** Known families by slug prefix, most specific first. `family` defaults to the prefix. */
const KNOWN: readonly (readonly [prefix: string, traits: Traits])[] = [
  ["o3", { supportsReasoningSummaries: true, needsApplyPatchInstructions: true, contextWindow: 200_000 }],
  ["o4-mini", { supportsReasoningSummaries: true, needsApplyPatchInstructions: true, contextWindow: 200_000 }],
  ["codex-mini-latest", { supportsReasoningSummaries: true, needsApplyPatchInstructions: true, contextWindow: 200_000 }],
  ["gpt-4.1", { needsApplyPatchInstructions: true, contextWindow: 1_047_576 }],
  ["gpt-oss", { applyPatchToolType: "function", contextWindow: 96_000 }],
  ["openai/gpt-oss", { family: "gpt-oss", applyPatchToolType: "function", contextWindow: 96_000 }],
  ["gpt-4o", { needsApplyPatchInstructions: true, contextWindow: 128_000 }],
  ["gpt-3.5", { needsApplyPatchInstructions: true, contextWindow: 16_385 }],
  ["gpt-5.1-codex-max", { supportsReasoningSummaries: true, applyPatchToolType: "freeform" }],
  ["gpt-5-codex", { supportsReasoningSummaries: true, applyPatchToolType: "freeform" }],
  ["gpt-5.1-codex", { supportsReasoningSummaries: true, applyPatchToolType: "freeform" }],
  ["codex-", { supportsReasoningSummaries: true, applyPatchToolType: "freeform" }],
  ["gpt-5.1", { supportsReasoningSummaries: true, applyPatchToolType: "freeform" }],
  ["gpt-5", { supportsReasoningSummaries: true, needsApplyPatchInstructions: true }],
];

/** What a known family has unless its entry says otherwise. */
const KNOWN_DEFAULTS = {
  contextWindow: CONTEXT_WINDOW_272K,
  autoCompactTokenLimit: null,
  supportsReasoningSummaries: false,
  applyPatchToolType: null,
  needsApplyPatchInstructions: false,
  effectiveContextWindowPercent: 95,
} as const;

export function findModelFamily(slug: string): ModelFamily {
  for (const [prefix, traits] of KNOWN) {
    if (slug.startsWith(prefix)) return { slug, ...KNOWN_DEFAULTS, family: prefix, ...traits };
  }
  return { slug, family: slug, ...KNOWN_DEFAULTS, contextWindow: null };
}

/** config.toml keys that override a family's figures. */
export interface ModelOverrides {
  contextWindow?: number;
  autoCompactTokenLimit?: number;
  maxOutputTokens?: number;
}

export interface ModelLimits {
  /** The window clients are told (token_count, thread/tokenUsage/updated): the effective share of the model's. */
  contextWindow: number | null;
  /** Usage past which the history should be compacted; null when the window is unknown and none is configured. */
  autoCompactTokenLimit: number | null;
  /** Whether requests may carry `reasoning` (effort, summary). */
  supportsReasoning: boolean;
  maxOutputTokens?: number;
}

export function modelLimits(model: string, overrides: ModelOverrides = {}): ModelLimits {
  const family = findModelFamily(model);
  const window = overrides.contextWindow ?? family.contextWindow;
  const autoCompact = overrides.autoCompactTokenLimit ?? family.autoCompactTokenLimit ?? (window === null ? null : Math.floor((window * 9) / 10));
  const limits: ModelLimits = {
    contextWindow: window === null ? null : Math.floor((window * family.effectiveContextWindowPercent) / 100),
    autoCompactTokenLimit: autoCompact,
    supportsReasoning: family.supportsReasoningSummaries,
  };
  if (overrides.maxOutputTokens !== undefined) limits.maxOutputTokens = overrides.maxOutputTokens;
  return limits;
}
