// Reads rollout files: whole (resume, fork) or just the head a listing needs.
import { open, type FileHandle } from "node:fs/promises";
import { isBlank, parseLine, readLineBatches, readLines } from "./jsonl.js";
import { FirstUserMessage } from "./preview.js";
import { applyRollbacks } from "./rollback.js";
import { errnoCode, ioError, RolloutError, type ConversationSummary, type GitInfo, type RolloutLine, type SessionMeta } from "./types.js";

export interface RolloutContents {
  meta: SessionMeta;
  /** All well-formed lines after the session_meta line, in file order, rollbacks applied. */
  lines: RolloutLine[];
  /** Malformed lines skipped, not counting a torn last line. */
  skipped: number;
  /** The last line was unparseable (a write cut short by a crash) and was dropped. */
  torn: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A session_meta payload with its string fields guaranteed; extra fields are kept. */
export function toSessionMeta(payload: unknown): SessionMeta | undefined {
  if (!isRecord(payload) || typeof payload.id !== "string" || payload.id === "") return undefined;
  return {
    ...payload,
    id: payload.id,
    timestamp: str(payload.timestamp),
    cwd: str(payload.cwd),
    originator: str(payload.originator),
    cli_version: str(payload.cli_version),
    source: str(payload.source),
    model_provider: str(payload.model_provider),
  };
}

async function openForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") throw new RolloutError("not_found", `no rollout found at ${path}`);
    throw ioError(`failed to open rollout ${path}`, err);
  }
}

export async function readRollout(path: string): Promise<RolloutContents> {
  const fh = await openForRead(path);
  try {
    let meta: SessionMeta | undefined;
    const lines: RolloutLine[] = [];
    let skipped = 0;
    // A bad line counts as skipped only once a later line shows it was not the last.
    let lastBad = false;
    for await (const batch of readLineBatches(fh, 1024 * 1024)) for (const raw of batch) {
      if (isBlank(raw.text)) continue;
      if (lastBad) skipped++;
      const line = parseLine(raw.text);
      lastBad = line === undefined;
      if (line === undefined) continue;
      if (meta === undefined) {
        meta = line.type === "session_meta" ? toSessionMeta(line.payload) : undefined;
        if (meta === undefined) skipped++;
        continue;
      }
      lines.push(line);
    }
    if (meta === undefined) throw new RolloutError("io", `rollout at ${path} has no session metadata`);
    return { meta, lines: applyRollbacks(lines), skipped, torn: lastBad };
  } catch (err) {
    throw ioError(`failed to read rollout ${path}`, err);
  } finally {
    await fh.close();
  }
}

/** `2026-11-24T00:17:49Z`: the reference reports mtimes to the second. */
export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function gitInfoOf(git: GitInfo | null | undefined): ConversationSummary["gitInfo"] {
  if (!isRecord(git)) return null;
  const opt = (v: unknown): string | null => (typeof v === "string" ? v : null);
  // snake_case origin_url: the reference's v1 ConversationGitInfo (its other fields are camelCase).
  return { sha: opt(git.commit_hash), branch: opt(git.branch), origin_url: opt(git.repository_url) };
}

export function buildSummary(path: string, meta: SessionMeta, preview: string, mtime: Date): ConversationSummary {
  return {
    conversationId: meta.id,
    path,
    preview,
    timestamp: meta.timestamp === "" ? null : meta.timestamp,
    updatedAt: isoSeconds(mtime),
    modelProvider: meta.model_provider,
    cwd: meta.cwd,
    cliVersion: meta.cli_version,
    source: meta.source,
    gitInfo: gitInfoOf(meta.git),
  };
}

export function summarize(path: string, contents: RolloutContents, mtime: Date): ConversationSummary | undefined {
  const first = new FirstUserMessage();
  for (const line of contents.lines) if (first.push(line)) break;
  const preview = first.result();
  return preview === undefined ? undefined : buildSummary(path, contents.meta, preview, mtime);
}

/**
 * The summary from the head of a file: reads up to the first user message and stops. Undefined
 * when the file has no meta or no user message, or cannot be read (a listing skips those), or
 * when `accept` turns the meta down (then it stops right after the meta).
 */
export async function summarizeHead(path: string, accept?: (meta: SessionMeta) => boolean): Promise<ConversationSummary | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch {
    return undefined;
  }
  try {
    let meta: SessionMeta | undefined;
    const first = new FirstUserMessage();
    for await (const raw of readLines(fh)) {
      const line = isBlank(raw.text) ? undefined : parseLine(raw.text);
      if (line === undefined) continue;
      if (meta === undefined) {
        if (line.type === "session_meta") meta = toSessionMeta(line.payload);
        if (meta && accept && !accept(meta)) return undefined;
        continue;
      }
      if (first.push(line)) break;
    }
    const preview = first.result();
    if (meta === undefined || preview === undefined) return undefined;
    const { mtime } = await fh.stat();
    return buildSummary(path, meta, preview, mtime);
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}
