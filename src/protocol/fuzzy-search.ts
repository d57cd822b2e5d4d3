// fuzzyFileSearch (codex 0.90's shape, kept by 0.169) and 0.169's session variant: an IDE's
// @-mention picker. `path` is relative to `root`; `indices` are the matched character positions
// in `path`, for highlighting.
import * as s from "./schema.js";

export const FuzzyFileSearchParams = s.object({
  query: s.string(),
  roots: s.array(s.string()),
  cancellationToken: s.optional(s.string()),
});
export type FuzzyFileSearchParams = s.Infer<typeof FuzzyFileSearchParams>;

export const FuzzyFileSearchMatchType = s.enumOf(["file", "directory"]);
export type FuzzyFileSearchMatchType = s.Infer<typeof FuzzyFileSearchMatchType>;

export const FuzzyFileSearchResult = s.object({
  root: s.string(),
  path: s.string(),
  match_type: FuzzyFileSearchMatchType,
  file_name: s.string(),
  score: s.integer(),
  indices: s.nullable(s.array(s.integer())),
});
export type FuzzyFileSearchResult = s.Infer<typeof FuzzyFileSearchResult>;

export const FuzzyFileSearchResponse = s.object({ files: s.array(FuzzyFileSearchResult) });
export type FuzzyFileSearchResponse = s.Infer<typeof FuzzyFileSearchResponse>;

export const FuzzyFileSearchSessionStartParams = s.object({ sessionId: s.string(), roots: s.array(s.string()) });
export type FuzzyFileSearchSessionStartParams = s.Infer<typeof FuzzyFileSearchSessionStartParams>;

export const FuzzyFileSearchSessionUpdateParams = s.object({ sessionId: s.string(), query: s.string() });
export type FuzzyFileSearchSessionUpdateParams = s.Infer<typeof FuzzyFileSearchSessionUpdateParams>;

export const FuzzyFileSearchSessionStopParams = s.object({ sessionId: s.string() });
export type FuzzyFileSearchSessionStopParams = s.Infer<typeof FuzzyFileSearchSessionStopParams>;

/** sessionStart, sessionUpdate and sessionStop answer `{}`; results come as notifications. */
export const FuzzyFileSearchSessionResponse = s.object({});
export type FuzzyFileSearchSessionResponse = s.Infer<typeof FuzzyFileSearchSessionResponse>;

export const FuzzyFileSearchSessionUpdatedNotification = s.object({
  sessionId: s.string(),
  query: s.string(),
  files: s.array(FuzzyFileSearchResult),
});
export type FuzzyFileSearchSessionUpdatedNotification = s.Infer<typeof FuzzyFileSearchSessionUpdatedNotification>;

export const FuzzyFileSearchSessionCompletedNotification = s.object({ sessionId: s.string() });
export type FuzzyFileSearchSessionCompletedNotification = s.Infer<typeof FuzzyFileSearchSessionCompletedNotification>;
