// v2 skills/list, skills/config/write and the small list methods (experimentalFeature/list,
// collaborationMode/list, app/list), codex 0.169's shapes.
import * as s from "../schema.js";

export const SkillScope = s.enumOf(["user", "repo", "system", "admin"]);
export type SkillScope = s.Infer<typeof SkillScope>;

export const SkillMetadata = s.object({
  name: s.string(),
  description: s.string(),
  /** The legacy `metadata.short-description` of SKILL.md's front matter; null when it has none. */
  shortDescription: s.nullable(s.string()),
  path: s.string(),
  scope: SkillScope,
  enabled: s.boolean(),
  pluginId: s.nullable(s.string()),
  /** 0.169 reads these from a skill's SKILL.json / agents metadata, which this server does not: null. */
  interface: s.nullable(s.record(s.unknown())),
  dependencies: s.nullable(s.object({ tools: s.array(s.record(s.unknown())) })),
});
export type SkillMetadata = s.Infer<typeof SkillMetadata>;

export const SkillErrorInfo = s.object({ path: s.string(), message: s.string() });
export type SkillErrorInfo = s.Infer<typeof SkillErrorInfo>;

export const SkillsListEntry = s.object({ cwd: s.string(), skills: s.array(SkillMetadata), errors: s.array(SkillErrorInfo) });
export type SkillsListEntry = s.Infer<typeof SkillsListEntry>;

export const SkillsListParams = s.object({
  cwds: s.optional(s.array(s.string())),
  forceReload: s.optional(s.boolean()),
});
export type SkillsListParams = s.Infer<typeof SkillsListParams>;
export const SkillsListResponse = s.object({ data: s.array(SkillsListEntry) });
export type SkillsListResponse = s.Infer<typeof SkillsListResponse>;

export const SkillsConfigWriteParams = s.object({
  enabled: s.boolean(),
  name: s.optional(s.nullable(s.string())),
  path: s.optional(s.nullable(s.string())),
});
export type SkillsConfigWriteParams = s.Infer<typeof SkillsConfigWriteParams>;
export const SkillsConfigWriteResponse = s.object({ effectiveEnabled: s.boolean() });
export type SkillsConfigWriteResponse = s.Infer<typeof SkillsConfigWriteResponse>;

export const ExperimentalFeatureListParams = s.object({
  cursor: s.optional(s.nullable(s.string())),
  limit: s.optional(s.nullable(s.integer())),
  threadId: s.optional(s.nullable(s.string())),
});
export type ExperimentalFeatureListParams = s.Infer<typeof ExperimentalFeatureListParams>;
export const ExperimentalFeature = s.object({
  name: s.string(),
  stage: s.enumOf(["beta", "underDevelopment", "stable", "deprecated", "removed"]),
  displayName: s.nullable(s.string()),
  description: s.nullable(s.string()),
  announcement: s.nullable(s.string()),
  enabled: s.boolean(),
  defaultEnabled: s.boolean(),
});
export type ExperimentalFeature = s.Infer<typeof ExperimentalFeature>;
export const ExperimentalFeatureListResponse = s.object({ data: s.array(ExperimentalFeature), nextCursor: s.nullable(s.string()) });
export type ExperimentalFeatureListResponse = s.Infer<typeof ExperimentalFeatureListResponse>;

export const CollaborationModeListParams = s.noParams();
export const CollaborationModeMask = s.object({
  name: s.string(),
  mode: s.nullable(s.enumOf(["plan", "default"])),
  model: s.nullable(s.string()),
  reasoning_effort: s.nullable(s.string()),
});
export type CollaborationModeMask = s.Infer<typeof CollaborationModeMask>;
export const CollaborationModeListResponse = s.object({ data: s.array(CollaborationModeMask) });
export type CollaborationModeListResponse = s.Infer<typeof CollaborationModeListResponse>;

export const AppsListParams = s.object({
  cursor: s.optional(s.nullable(s.string())),
  limit: s.optional(s.nullable(s.integer())),
  threadId: s.optional(s.nullable(s.string())),
  forceRefetch: s.optional(s.boolean()),
});
export type AppsListParams = s.Infer<typeof AppsListParams>;
/** No app is ever configured here: the list is always empty, so its items stay opaque. */
export const AppsListResponse = s.object({ data: s.array(s.unknown()), nextCursor: s.nullable(s.string()) });
export type AppsListResponse = s.Infer<typeof AppsListResponse>;
