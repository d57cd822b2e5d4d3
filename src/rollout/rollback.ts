// thread/rollback in a rollout: an `event_msg { type: "thread_rolled_back", num_turns }` line (as
// 0.90 records it) drops the last turns before it from the replay. Lines stay in the file;
// readers apply the markers. A turn is what a thread read shows as one (src/server/v2/thread-view.ts
// asks turnOpener() too): since turn ids are recorded, a task_started line opens it; in older
// rollouts a user_message outside an open turn does. Pure.
import type { RolloutLine } from "./types.js";

export const ROLLED_BACK = "thread_rolled_back";

export function rolledBackLine(numTurns: number): { type: typeof ROLLED_BACK; num_turns: number } {
  return { type: ROLLED_BACK, num_turns: numTurns };
}

const payloadType = (line: RolloutLine) => (line.payload as { type?: unknown } | null)?.type;
const role = (line: RolloutLine) => (line.type === "response_item" ? (line.payload as { type?: unknown; role?: unknown }) : undefined);

/** Where the turns stand after some lines: what decides whether the next line opens one. */
export interface TurnState {
  /** Some turn was opened. */
  any: boolean;
  /** The last turn has not ended (task_complete / turn_aborted not seen). */
  open: boolean;
  /** The last turn already shows a user message. */
  hasUser: boolean;
}

export interface TurnOpener {
  /** Whether `line` opens a new turn; steered input and a turn's own user message do not. */
  (line: RolloutLine): boolean;
  /** The state before the last line fed, to rewind to after a rollback cut there. */
  state(): TurnState;
  restore(state: TurnState): void;
}

/** Follows rollout lines and tells which open a turn, the rules thread/read's turns are built by. */
export function turnOpener(): TurnOpener {
  let s: TurnState = { any: false, open: false, hasUser: false };
  const opens = (line: RolloutLine): boolean => {
    if (line.type !== "event_msg") return false;
    const payload = line.payload as { type?: unknown; steered?: unknown };
    switch (payload.type) {
      case "task_started":
        s = { any: true, open: true, hasUser: false };
        return true;
      case "user_message":
        if (payload.steered === true && s.any) {
          // Input steered into the running turn (turn/steer) belongs to it.
          s = { ...s, hasUser: true };
          return false;
        }
        if (s.any && s.open && !s.hasUser) {
          // The user message of a turn task_started opened.
          s = { ...s, hasUser: true };
          return false;
        }
        s = { any: true, open: true, hasUser: true };
        return true;
      case "task_complete":
      case "turn_aborted":
        s = { ...s, open: false };
        return false;
      case "context_compacted":
        // A compaction before any turn shows in a turn of its own.
        if (s.any) return false;
        s = { any: true, open: true, hasUser: false };
        return true;
      default:
        return false;
    }
  };
  return Object.assign(opens, { state: () => s, restore: (state: TurnState) => void (s = state) });
}

/** The lines a compaction writes: the new history and its event. */
export function isCompactionLine(line: RolloutLine): boolean {
  return line.type === "compacted" || (line.type === "event_msg" && payloadType(line) === "context_compacted");
}

/**
 * Whether the turn `line` opens also takes the compaction lines written just before it: earlier
 * versions of this server recorded a compaction run at the start of a turn before the turn's own
 * lines. Not while the previous turn is still open (it may have compacted last).
 */
export function takesEarlierCompaction(line: RolloutLine, before: TurnState): boolean {
  return payloadType(line) === "user_message" || !before.open;
}

/**
 * Where a turn begins: the line that opens it, backed up over the lines written for it just
 * before: the user's own response item (older rollouts, where the user_message event opens the
 * turn), a compaction it ran first (older rollouts) and a permissions message.
 */
function turnStart(lines: readonly RolloutLine[], opening: number, state: TurnState): number {
  let start = opening;
  if (payloadType(lines[opening]!) === "user_message") {
    const prev = lines[start - 1] && role(lines[start - 1]!);
    if (prev?.type === "message" && prev.role === "user") start--;
  }
  if (takesEarlierCompaction(lines[opening]!, state)) while (start > 0 && isCompactionLine(lines[start - 1]!)) start--;
  const before = lines[start - 1] && role(lines[start - 1]!);
  if (before?.type === "message" && before.role === "developer" && (start < opening || payloadType(lines[opening]!) === "task_started")) start--;
  return start;
}

/** The lines a reader replays: each rollback marker removes the turns it names (and itself). */
export function applyRollbacks(lines: readonly RolloutLine[]): RolloutLine[] {
  if (!lines.some((l) => l.type === "event_msg" && payloadType(l) === ROLLED_BACK)) return [...lines];
  const kept: RolloutLine[] = [];
  /** Each kept turn: its first line in `kept` and the state before it opened. */
  const starts: { at: number; before: TurnState }[] = [];
  const opener = turnOpener();
  for (const line of lines) {
    if (line.type === "event_msg" && payloadType(line) === ROLLED_BACK) {
      const n = Number((line.payload as { num_turns?: unknown }).num_turns);
      if (!Number.isInteger(n) || n < 1) continue;
      const first = starts[Math.max(starts.length - n, 0)];
      if (!first) continue;
      kept.length = first.at;
      opener.restore(first.before);
      starts.splice(Math.max(starts.length - n, 0));
      continue;
    }
    const before = opener.state();
    kept.push(line);
    if (opener(line)) starts.push({ at: turnStart(kept, kept.length - 1, before), before });
  }
  return kept;
}
