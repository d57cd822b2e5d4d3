// Where a conversation's lines go: its rollout file, or nowhere for an ephemeral thread.
import type { RolloutWriter } from "../rollout/writer.js";

export type RolloutSink = Pick<RolloutWriter, "path" | "write" | "flush" | "close" | "release" | "writeQueuedSync">;

/** An ephemeral thread keeps its history in memory only: nothing is written, nothing is listed. */
export function ephemeralSink(): RolloutSink {
  return { path: "", write: () => {}, flush: async () => {}, close: async () => {}, release: async () => {}, writeQueuedSync: () => {} };
}
