// The replay of thread_rolled_back markers: which lines a reader keeps.
import { describe, expect, it } from "vitest";
import { applyRollbacks, isCompactionLine as isCompaction, rolledBackLine } from "../../src/rollout/rollback.js";
import type { RolloutLine } from "../../src/rollout/types.js";
import { buildTurns } from "../../src/server/v2/thread-view.js";

const at = "2026-12-02T00:00:00.000Z";
const item = (role: string, text: string): RolloutLine => ({ timestamp: at, type: "response_item", payload: { type: "message", role, content: [{ type: "input_text", text }] } });
const event = (payload: Record<string, unknown>): RolloutLine => ({ timestamp: at, type: "event_msg", payload });
const turn = (q: string, withPermissions = false): RolloutLine[] => [
  ...(withPermissions ? [item("developer", `permissions for ${q}`)] : []),
  item("user", q),
  event({ type: "user_message", message: q }),
  { timestamp: at, type: "turn_context", payload: { model: "m" } },
  item("assistant", `answer ${q}`),
  event({ type: "agent_message", message: `answer ${q}` }),
];
const context = [item("developer", "permissions"), item("user", "<environment_context/>")];
const texts = (lines: RolloutLine[]) => lines.filter((l) => l.type === "response_item").map((l) => ((l.payload as { content: { text: string }[] }).content[0]!.text));

describe("applyRollbacks", () => {
  it("drops the named turns (with a permissions message sent for them) and the marker, keeping the session context", () => {
    const lines = [...context, ...turn("one"), ...turn("two", true), ...turn("three"), event(rolledBackLine(2)), ...turn("four")];
    expect(texts(applyRollbacks(lines))).toEqual(["permissions", "<environment_context/>", "one", "answer one", "four", "answer four"]);
  });

  it("counts input steered into a turn as part of it", () => {
    const steered = [item("user", "also this"), event({ type: "user_message", message: "also this", steered: true })];
    const lines = [...context, ...turn("one"), ...turn("two"), ...steered, item("assistant", "answer two again"), event(rolledBackLine(1))];
    expect(texts(applyRollbacks(lines))).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
  });

  it("applies markers in order and drops every turn when asked for more than there are", () => {
    const twice = [...context, ...turn("one"), ...turn("two"), event(rolledBackLine(1)), ...turn("three"), event(rolledBackLine(1))];
    expect(texts(applyRollbacks(twice))).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
    const all = [...context, ...turn("one"), event(rolledBackLine(5)), ...turn("two")];
    expect(texts(applyRollbacks(all))).toEqual(["permissions", "<environment_context/>", "two", "answer two"]);
  });

  it("ignores a marker without a positive integer and leaves files without markers as they are", () => {
    const lines = [...context, ...turn("one"), event({ type: "thread_rolled_back", num_turns: 0 }), event({ type: "thread_rolled_back" })];
    expect(texts(applyRollbacks(lines))).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
    const plain = [...context, ...turn("one")];
    expect(applyRollbacks(plain)).toEqual(plain);
  });

  // Since turn ids are recorded: task_started opens the turn (before its user message), a turn may
  // have no user message at all (thread/compact/start), task_complete ends it.
  const started = (id: string, q: string | null, withPermissions = false): RolloutLine[] => [
    ...(withPermissions ? [item("developer", `permissions for ${id}`)] : []),
    event({ type: "task_started", turn_id: id, started_at: 0 }),
    ...(q === null ? [] : [item("user", q), event({ type: "user_message", message: q })]),
    { timestamp: at, type: "turn_context", payload: { turn_id: id, model: "m" } },
    ...(q === null
      ? [{ timestamp: at, type: "compacted", payload: { message: "", replacement_history: [] } } as RolloutLine, event({ type: "context_compacted" })]
      : [item("assistant", `answer ${q}`), event({ type: "agent_message", message: `answer ${q}` })]),
    event({ type: "task_complete", turn_id: id, last_agent_message: null }),
  ];
  const ids = (lines: RolloutLine[]) => buildTurns(applyRollbacks(lines)).map((t) => t.id);

  it("drops task_started turns whole (their task_started and permissions message included), as thread/read counts them", () => {
    const lines = [...context, ...started("t1", "one"), ...started("t2", "two", true), ...started("t3", "three"), event(rolledBackLine(2))];
    expect(texts(applyRollbacks(lines))).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
    expect(ids(lines)).toEqual(["t1"]);
    const thenMore = [...lines, ...started("t4", "four")];
    expect(ids(thenMore)).toEqual(["t1", "t4"]);
    expect(texts(applyRollbacks(thenMore))).toEqual(["permissions", "<environment_context/>", "one", "answer one", "four", "answer four"]);
  });

  it("counts a compaction turn and steered input the way thread/read shows them", () => {
    const steered = [item("user", "also this"), event({ type: "user_message", message: "also this", steered: true })];
    const [end, ...rest] = started("t3", "three").reverse();
    const three = [...rest.reverse(), ...steered, end!];
    const lines = [...context, ...started("t1", "one"), ...started("t2", null), ...three];
    expect(buildTurns(lines).map((t) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(ids([...lines, event(rolledBackLine(1))])).toEqual(["t1", "t2"]);
    expect(texts(applyRollbacks([...lines, event(rolledBackLine(1))]))).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
    expect(ids([...lines, event(rolledBackLine(2))])).toEqual(["t1"]);
    expect(applyRollbacks([...lines, event(rolledBackLine(2))]).some((l) => l.type === "compacted")).toBe(false);
  });

  // A compaction run at the start of a turn: recorded after task_started now; before it (or before
  // the user's message, in rollouts without turn ids) by earlier versions of this server.
  const compaction = (): RolloutLine[] => [{ timestamp: at, type: "compacted", payload: { message: "S", replacement_history: [] } }, event({ type: "context_compacted" })];
  const shapes = (lines: RolloutLine[]) => buildTurns(applyRollbacks(lines)).map((t) => [t.id, ...t.items.map((i) => i.type)]);
  const compactedFirst = (id: string, q: string, order: "now" | "before"): RolloutLine[] => {
    const [start, ...rest] = started(id, q, true).slice(1);
    return order === "now"
      ? [item("developer", `permissions for ${id}`), start!, ...compaction(), ...rest]
      : [item("developer", `permissions for ${id}`), ...compaction(), start!, ...rest];
  };

  it("shows a compaction run at the start of a turn in that turn, in either recorded order, and drops it with that turn", () => {
    for (const order of ["now", "before"] as const) {
      const lines = [...context, ...started("t1", "one"), ...compactedFirst("t2", "two", order)];
      expect(shapes(lines)).toEqual([
        ["t1", "userMessage", "agentMessage"],
        ["t2", "contextCompaction", "userMessage", "agentMessage"],
      ]);
      const rolled = applyRollbacks([...lines, event(rolledBackLine(1))]);
      expect(rolled.some(isCompaction)).toBe(false);
      expect(texts(rolled)).toEqual(["permissions", "<environment_context/>", "one", "answer one"]);
    }
  });

  it("older rollouts without turn ids: a compaction just before a user's message belongs to the turn it opens", () => {
    const lines = [...context, ...turn("one"), event({ type: "task_complete", last_agent_message: null }), ...compaction(), ...turn("two")];
    expect(shapes(lines)).toEqual([
      ["turn-1", "userMessage", "agentMessage"],
      ["turn-2", "contextCompaction", "userMessage", "agentMessage"],
    ]);
    expect(applyRollbacks([...lines, event(rolledBackLine(1))]).some(isCompaction)).toBe(false);
  });

  it("a compaction that ended an unfinished turn stays in it", () => {
    const [end, ...rest] = started("t1", "one").reverse();
    expect(end!.payload).toMatchObject({ type: "task_complete" });
    const unfinished = [...rest.reverse(), ...compaction()];
    const lines = [...context, ...unfinished, ...started("t2", "two")];
    expect(shapes(lines)).toEqual([
      ["t1", "userMessage", "agentMessage", "contextCompaction"],
      ["t2", "userMessage", "agentMessage"],
    ]);
    expect(applyRollbacks([...lines, event(rolledBackLine(1))]).filter(isCompaction)).toHaveLength(2);
  });

  it("rewinds to the turn state at the cut: a rollout mixing old and new turns replays as thread/read shows it", () => {
    const lines = [...context, ...turn("old"), ...started("t2", "two"), event(rolledBackLine(1)), ...turn("old again"), event(rolledBackLine(1)), ...started("t3", "three")];
    expect(texts(applyRollbacks(lines))).toEqual(["permissions", "<environment_context/>", "old", "answer old", "three", "answer three"]);
    expect(ids(lines)).toEqual(["turn-1", "t3"]);
  });
});

