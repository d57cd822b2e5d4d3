// v2 review/start (codex 0.169's shape; `detached` is 0.90's delivery, kept: the review runs on a
// new thread, whose id the answer reports).
import * as s from "../schema.js";
import { Turn } from "./turn.js";

export const ReviewTarget = s.union([
  s.object({ type: s.literal("uncommittedChanges") }),
  s.object({ type: s.literal("baseBranch"), branch: s.string() }),
  s.object({ type: s.literal("commit"), sha: s.string(), title: s.optional(s.nullable(s.string())) }),
  s.object({ type: s.literal("custom"), instructions: s.string() }),
]);
export type ReviewTarget = s.Infer<typeof ReviewTarget>;

export const ReviewDelivery = s.enumOf(["inline", "detached"]);

export const ReviewStartParams = s.object({
  threadId: s.string(),
  target: ReviewTarget,
  delivery: s.optional(s.nullable(ReviewDelivery)),
});
export type ReviewStartParams = s.Infer<typeof ReviewStartParams>;

/** The turn as 0.169 answers it: not loaded yet, its one item the request as the client shows it. */
export const ReviewStartResponse = s.object({ turn: Turn, reviewThreadId: s.string() });
export type ReviewStartResponse = s.Infer<typeof ReviewStartResponse>;
