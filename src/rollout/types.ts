// The rollout file's vocabulary: one JSON object per line, the first a session_meta.

export type RolloutLineType = "session_meta" | "response_item" | "event_msg" | "turn_context" | "compacted";

export const ROLLOUT_LINE_TYPES: ReadonlySet<string> = new Set<RolloutLineType>([
  "session_meta",
  "response_item",
  "event_msg",
  "turn_context",
  "compacted",
]);

export interface RolloutLine {
  /** ISO-8601 UTC with milliseconds and `Z`, e.g. `2026-11-24T00:17:49.796Z`. */
  timestamp: string;
  type: RolloutLineType;
  payload: unknown;
}

export interface GitInfo {
  commit_hash?: string;
  branch?: string;
  repository_url?: string;
}

export interface SessionMeta {
  id: string;
  timestamp: string;
  cwd: string;
  originator: string;
  cli_version: string;
  source: string;
  model_provider: string;
  base_instructions?: { text: string } | null;
  git?: GitInfo | null;
  forked_from_id?: string;
}

export interface ConversationSummary {
  conversationId: string;
  path: string;
  preview: string;
  timestamp: string | null;
  updatedAt: string | null;
  modelProvider: string;
  cwd: string;
  cliVersion: string;
  source: string;
  gitInfo: { sha: string | null; branch: string | null; origin_url: string | null } | null;
}

/** A summary with what v2's Thread shows besides; v1 sends only ConversationSummary's fields (v1Summary). */
export interface SessionSummary extends ConversationSummary {
  /** The client that started the session. */
  originator: string;
  forkedFromId: string | null;
}

/** The v1 wire shape of a summary (0.90's fields, nothing more). */
export function v1Summary(s: ConversationSummary): ConversationSummary {
  const { conversationId, path, preview, timestamp, updatedAt, modelProvider, cwd, cliVersion, source, gitInfo } = s;
  return { conversationId, path, preview, timestamp, updatedAt, modelProvider, cwd, cliVersion, source, gitInfo };
}

/** "storage": the session store itself cannot be used (a file where a directory must be, no permission). */
export type RolloutErrorCode = "not_found" | "mismatch" | "outside_sessions" | "invalid_cursor" | "io" | "storage";

/** Messages are written to be shown to clients as they are (the reference's wording where it has one). */
export class RolloutError extends Error {
  constructor(
    readonly code: RolloutErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RolloutError";
  }
}

/** Wraps a filesystem failure, keeping RolloutErrors as they are. */
export function ioError(what: string, err: unknown): RolloutError {
  if (err instanceof RolloutError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new RolloutError("io", `${what}: ${detail}`);
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}
