// Where rollout files live and how their names encode (creation time, conversation id).
import path from "node:path";

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILE_NAME_RE = /^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

export function sessionsDir(codexHome: string): string {
  return path.join(codexHome, "sessions");
}

export function archivedDir(codexHome: string): string {
  return path.join(codexHome, "archived_sessions");
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Local-time parts, as the reference names its directories and files. */
function localParts(d: Date): { y: string; m: string; d: string; stamp: string } {
  const y = pad(d.getFullYear(), 4);
  const m = pad(d.getMonth() + 1);
  const day = pad(d.getDate());
  return { y, m, d: day, stamp: `${y}-${m}-${day}T${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}` };
}

export function rolloutFileName(id: string, created: Date): string {
  // The id becomes part of a path: only a UUID may get there.
  if (!UUID_RE.test(id)) throw new TypeError(`conversation id is not a UUID: ${id}`);
  return `rollout-${localParts(created).stamp}-${id}.jsonl`;
}

export function rolloutPathFor(codexHome: string, id: string, created: Date): string {
  const p = localParts(created);
  return path.join(sessionsDir(codexHome), p.y, p.m, p.d, rolloutFileName(id, created));
}

/** `<dir>/YYYY/MM/DD` of a moment, local time. */
export function dayDirFor(root: string, when: Date): string {
  const p = localParts(when);
  return path.join(root, p.y, p.m, p.d);
}

export interface RolloutFileName {
  /** `YYYY-MM-DDThh-mm-ss`, the creation time the name carries (sortable as text). */
  stamp: string;
  /** Lower-cased, so ids order and compare as text. */
  id: string;
}

export function parseRolloutFileName(name: string): RolloutFileName | undefined {
  const m = FILE_NAME_RE.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { stamp: m[1], id: m[2].toLowerCase() };
}

/** Newest first: creation stamp descending, then id descending. */
export function compareNewestFirst(a: RolloutFileName, b: RolloutFileName): number {
  if (a.stamp !== b.stamp) return a.stamp < b.stamp ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

/** The creation time a UUIDv7 carries in its first 48 bits, else undefined. */
export function uuidV7Time(id: string): Date | undefined {
  if (!UUID_RE.test(id) || id[14] !== "7") return undefined;
  const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** True when `p` is strictly below `root` (both already absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== "" && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== "..";
}
