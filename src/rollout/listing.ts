// Lists conversations page by page and finds a conversation's file, reading as little as it can:
// directories newest first, and of each candidate file only its head.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { archivedDir, dayDirFor, sessionsDir, UUID_RE, uuidV7Time, type RolloutFileName } from "./paths.js";
import { summarizeHead } from "./reader.js";
import { storageError } from "./storage-errors.js";
import { errnoCode, RolloutError, type SessionMeta, type SessionSummary } from "./types.js";
import { filesIn, walkDated, type RolloutFile } from "./walk.js";

export interface ListOptions {
  /** Default 25; values below 1 count as 1. */
  pageSize?: number;
  cursor?: string | null;
  /** Only sessions whose session_meta.model_provider is one of these; empty or null: all. */
  modelProviders?: string[] | null;
  /** List archived_sessions instead of sessions. */
  archived?: boolean;
  /** Only sessions whose session_meta.source is one of these; empty or null: all. */
  sources?: string[] | null;
  /** The provider of sessions whose session_meta names none (old rollouts), for the filter and the summary. */
  fallbackProvider?: string;
}

export interface ListPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

const DEFAULT_PAGE_SIZE = 25;
// Heads read at once: enough to hide disk latency, few enough not to read far past a full page.
const MAX_PARALLEL_READS = 16;
const STAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})$/;

/** `<YYYY-MM-DDThh-mm-ss>|<uuid>` of the last item of a page. Opaque to clients. */
export function parseCursor(cursor: string): RolloutFileName {
  const invalid = new RolloutError("invalid_cursor", `invalid cursor: ${cursor}`);
  const [stamp, id, ...rest] = cursor.split("|");
  if (stamp === undefined || id === undefined || rest.length > 0 || !UUID_RE.test(id)) throw invalid;
  const m = STAMP_RE.exec(stamp);
  if (!m) throw invalid;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  // Reject 2026-02-30 and friends: the date must survive a round trip.
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || t.getUTCHours() !== h || t.getUTCMinutes() !== mi || t.getUTCSeconds() !== s) {
    throw invalid;
  }
  return { stamp, id: id.toLowerCase() };
}

function formatCursor(f: RolloutFileName): string {
  return `${f.stamp}|${f.id}`;
}

/** Strictly after the anchor in newest-first order. */
function isAfter(f: RolloutFileName, anchor: RolloutFileName): boolean {
  return f.stamp < anchor.stamp || (f.stamp === anchor.stamp && f.id < anchor.id);
}

async function* archivedFiles(dir: string): AsyncGenerator<RolloutFile> {
  yield* await filesIn(dir);
}

/**
 * False when there is no store yet (no history, not an error). A store that is there but cannot be
 * read throws: an empty list would tell the user their history is gone.
 */
async function storeExists(root: string): Promise<boolean> {
  try {
    await readdir(root);
    return true;
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return false;
    throw await storageError("cannot list sessions", root, err);
  }
}

export async function listConversations(codexHome: string, options: ListOptions): Promise<ListPage> {
  const requested = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const pageSize = Number.isFinite(requested) ? Math.max(1, Math.floor(requested)) : DEFAULT_PAGE_SIZE;
  const anchor = options.cursor == null ? undefined : parseCursor(options.cursor);
  const providers = options.modelProviders?.length ? new Set(options.modelProviders) : undefined;
  const sources = options.sources?.length ? new Set(options.sources) : undefined;
  const root = options.archived ? archivedDir(codexHome) : sessionsDir(codexHome);
  if (!(await storeExists(root))) return { items: [], nextCursor: null };
  const files = options.archived ? archivedFiles(root) : walkDated(root, anchor?.stamp.slice(0, 10));

  const items: SessionSummary[] = [];
  let last: RolloutFile | undefined;
  let batch: RolloutFile[] = [];

  const providerOf = (provider: string): string => (provider === "" ? (options.fallbackProvider ?? "") : provider);
  const accept = (meta: SessionMeta): boolean =>
    (!providers || providers.has(providerOf(meta.model_provider))) && (!sources || sources.has(meta.source));

  // Reads a batch's heads concurrently but takes results in order; false once the page is full.
  const take = async (): Promise<boolean> => {
    const summaries = await Promise.all(batch.map((f) => summarizeHead(f.path, accept)));
    for (const [i, s] of summaries.entries()) {
      if (!s) continue;
      items.push({ ...s, modelProvider: providerOf(s.modelProvider) });
      if (items.length === pageSize) {
        last = batch[i];
        return false;
      }
    }
    batch = [];
    return true;
  };

  for await (const f of files) {
    if (anchor && !isAfter(f, anchor)) continue;
    batch.push(f);
    if (batch.length >= Math.min(pageSize - items.length, MAX_PARALLEL_READS) && !(await take())) break;
  }
  if (batch.length > 0 && items.length < pageSize) await take();

  return { items, nextCursor: items.length === pageSize && last ? formatCursor(last) : null };
}

/** The path of `*-<id>.jsonl` under sessions/ (not archived), newest first; undefined if none. */
export async function findRolloutPath(codexHome: string, conversationId: string): Promise<string | undefined> {
  if (!UUID_RE.test(conversationId)) return undefined;
  const id = conversationId.toLowerCase();
  const root = sessionsDir(codexHome);
  // A UUIDv7 carries its creation time: look in that day's directory (and its neighbours, for
  // a time zone change) before walking everything.
  const born = uuidV7Time(id);
  const tried = new Set<string>();
  if (born) {
    for (const offset of [0, -1, 1]) {
      const dir = dayDirFor(root, new Date(born.getTime() + offset * 86_400_000));
      if (tried.has(dir)) continue;
      tried.add(dir);
      const hit = (await filesIn(dir)).find((f) => f.id === id);
      if (hit) return hit.path;
    }
  }
  for await (const f of walkDated(root)) {
    if (tried.has(path.dirname(f.path))) continue;
    if (f.id === id) return f.path;
  }
  return undefined;
}
