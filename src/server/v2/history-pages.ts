// Pages of a thread's turns and items (thread/turns/list, thread/items/list). Cursors are opaque
// to clients: a position in the thread's order, so a page follows the last one whatever arrives
// after it. Pure.
import { rpcErrors } from "../../rpc/errors.js";
import type { TurnView } from "./thread-view.js";

export type Direction = "asc" | "desc";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

const encode = (kind: string, index: number) => Buffer.from(`${kind}:${index}`).toString("base64url");

function decode(kind: string, cursor: string, length: number): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^([a-z]+):(\d+)$/.exec(text);
  if (!match || match[1] !== kind || Number(match[2]) > length) throw rpcErrors.invalidRequest(`invalid cursor: ${cursor}`);
  return Number(match[2]);
}

/**
 * One page of `all` in `direction`, starting at the cursor's position (inclusive); the backwards
 * cursor, used with the other direction, starts at this page's first element again.
 */
export function page<T>(kind: string, all: readonly T[], direction: Direction, limit: number, cursor: string | null | undefined, from?: number): Page<T> {
  const size = Math.max(1, limit);
  if (all.length === 0) return { data: [], nextCursor: null, backwardsCursor: null };
  if (direction === "asc") {
    const start = cursor ? decode(kind, cursor, all.length) : (from ?? 0);
    const data = all.slice(start, start + size);
    const end = start + data.length;
    return { data, nextCursor: end < all.length ? encode(kind, end) : null, backwardsCursor: data.length ? encode(kind, start + 1) : null };
  }
  // Descending positions count from the end: index i means "all[i - 1] is the next one shown".
  const start = cursor ? decode(kind, cursor, all.length) : (from ?? all.length);
  const data = all.slice(Math.max(0, start - size), start).reverse();
  const end = start - data.length;
  return { data, nextCursor: end > 0 ? encode(kind, end) : null, backwardsCursor: data.length ? encode(kind, start - 1) : null };
}

export interface ItemEntry {
  turnId: string;
  item: Record<string, unknown>;
  startedAtMs: number | null;
  completedAtMs: number | null;
}

export function itemEntries(turns: readonly TurnView[]): ItemEntry[] {
  return turns.flatMap((turn) =>
    turn.items.map((item) => ({
      turnId: turn.id,
      item,
      startedAtMs: typeof item.startedAtMs === "number" ? item.startedAtMs : null,
      completedAtMs: typeof item.completedAtMs === "number" ? item.completedAtMs : null,
    })),
  );
}
