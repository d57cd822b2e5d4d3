// config/read, config/value/write, config/batchWrite and configRequirements/read, as codex 0.169.
import * as s from "../schema.js";

/** Where a value came from. We have the user's config.toml and `-c` flags (0.169 names more). */
export const ConfigLayerSource = s.union([
  s.object({ type: s.literal("user"), file: s.string(), profile: s.nullable(s.string()) }),
  s.object({ type: s.literal("sessionFlags") }),
]);
export type ConfigLayerSource = s.Infer<typeof ConfigLayerSource>;

export const ConfigLayerMetadata = s.object({ name: ConfigLayerSource, version: s.string() });
export type ConfigLayerMetadata = s.Infer<typeof ConfigLayerMetadata>;

export const ConfigLayer = s.object({
  name: ConfigLayerSource,
  version: s.string(),
  config: s.unknown(),
  disabledReason: s.nullable(s.string()),
});
export type ConfigLayer = s.Infer<typeof ConfigLayer>;

export const ConfigReadParams = s.object({
  includeLayers: s.optional(s.boolean()),
  /** Accepted for 0.169 clients; we have no project (.codex/) layers, so it changes nothing. */
  cwd: s.optional(s.string()),
});

export const ConfigReadResponse = s.object({
  /** The effective config.toml table (snake_case keys, as the file). */
  config: s.record(s.unknown()),
  /** Dotted key path → the layer its effective value came from. */
  origins: s.record(ConfigLayerMetadata),
  /** Highest precedence first; null unless includeLayers. */
  layers: s.nullable(s.array(ConfigLayer)),
});
export type ConfigReadResponse = s.Infer<typeof ConfigReadResponse>;

export const MergeStrategy = s.enumOf(["replace", "upsert"]);
export type MergeStrategy = s.Infer<typeof MergeStrategy>;

export const ConfigEdit = s.object({
  keyPath: s.string(),
  /** null removes the key. */
  value: s.unknown(),
  /** 0.169 requires it; we default to replace. */
  mergeStrategy: s.optional(MergeStrategy),
});
export type ConfigEdit = s.Infer<typeof ConfigEdit>;

const target = {
  /** Only the user's config.toml is writable; defaults to it. */
  filePath: s.optional(s.string()),
  /** The `version` last read; the write is refused if the file changed since. */
  expectedVersion: s.optional(s.string()),
};

export const ConfigValueWriteParams = s.object({ ...ConfigEdit.shape, ...target });
export type ConfigValueWriteParams = s.Infer<typeof ConfigValueWriteParams>;

export const ConfigBatchWriteParams = s.object({
  edits: s.array(ConfigEdit),
  ...target,
  /** Accepted; threads read config when they start, so new threads see writes anyway. */
  reloadUserConfig: s.optional(s.boolean()),
});
export type ConfigBatchWriteParams = s.Infer<typeof ConfigBatchWriteParams>;

export const ConfigWriteResponse = s.object({
  status: s.enumOf(["ok", "okOverridden"]),
  version: s.string(),
  filePath: s.string(),
  overriddenMetadata: s.nullable(
    s.object({ message: s.string(), overridingLayer: ConfigLayerMetadata, effectiveValue: s.unknown() }),
  ),
});
export type ConfigWriteResponse = s.Infer<typeof ConfigWriteResponse>;

export const ConfigRequirementsReadParams = s.noParams();
/** No requirements.toml or MDM here: requirements is always null. */
export const ConfigRequirementsReadResponse = s.object({
  requirements: s.nullable(s.record(s.unknown())),
  supportsIndependentSpeedModes: s.nullable(s.boolean()),
});
export type ConfigRequirementsReadResponse = s.Infer<typeof ConfigRequirementsReadResponse>;
