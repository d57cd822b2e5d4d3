// The small v2 list methods with nothing behind them here: no experimental feature of codex 0.169
// is implemented (naming one in [features] is accepted and does nothing), only the default
// collaboration mode exists (no plan mode), and no app/connector can be configured.
import type * as p from "../protocol/v2/skills.js";

export function experimentalFeatureList(): p.ExperimentalFeatureListResponse {
  return { data: [], nextCursor: null };
}

export function collaborationModeList(): p.CollaborationModeListResponse {
  return { data: [{ name: "Default", mode: "default", model: null, reasoning_effort: null }] };
}

export function appList(): p.AppsListResponse {
  return { data: [], nextCursor: null };
}
