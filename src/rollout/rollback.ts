// thread/rollback in a rollout: an `event_msg { type: "thread_rolled_back", num_turns }` line (as
// 0.90 records it) drops the last user turns before it from the replay. Lines stay in the file;
// readers apply the markers. Pure.
import type { RolloutLine } from "./types.js";

export const ROLLED_BACK = "thread_rolled_back";

export function rolledBackLine(numTurns: number): { type: typeof ROLLED_BACK; num_turns: number } {
  return { type: ROLLED_BACK, num_turns: numTurns };
}

const payloadType = (line: RolloutLine) => (line.payload as { type?: unknown } | null)?.type;
const role = (line: RolloutLine) => (line.type === "response_item" ? (line.payload as { type?: unknown; role?: unknown }) : undefined);

/**
 * Where a turn begins: its user_message event, backed up over the user's own response item and a
 * permissions message sent just before it (both belong to the turn).
 */
function turnStart(lines: readonly RolloutLine[], userEvent: number): number {
  let start = userEvent;
  const prev = lines[start - 1] && role(lines[start - 1]!);
  if (prev?.type === "message" && prev.role === "user") start--;
  const before = lines[start - 1] && role(lines[start - 1]!);
  if (start < userEvent && before?.type === "message" && before.role === "developer") start--;
  return start;
}

/** The lines a reader replays: each rollback marker removes the turns it names (and itself). */
export function applyRollbacks(lines: readonly RolloutLine[]): RolloutLine[] {
  if (!lines.some((l) => l.type === "event_msg" && payloadType(l) === ROLLED_BACK)) return [...lines];
  const kept: RolloutLine[] = [];
  const starts: number[] = [];
  for (const line of lines) {
    if (line.type === "event_msg" && payloadType(line) === ROLLED_BACK) {
      const n = Number((line.payload as { num_turns?: unknown }).num_turns);
      if (!Number.isInteger(n) || n < 1) continue;
      const cut = starts.length - n < 0 ? (starts[0] ?? kept.length) : starts[starts.length - n]!;
      kept.length = cut;
      starts.splice(Math.max(starts.length - n, 0));
      continue;
    }
    kept.push(line);
    if (isTurnStart(line)) starts.push(turnStart(kept, kept.length - 1));
  }
  return kept;
}

/** A user_message event opens a turn, unless it was steered into the running one. */
export function isTurnStart(line: RolloutLine): boolean {
  if (line.type !== "event_msg" || payloadType(line) !== "user_message") return false;
  return (line.payload as { steered?: unknown }).steered !== true;
}
