// The replay of thread_rolled_back markers: which lines a reader keeps.
import { describe, expect, it } from "vitest";
import { applyRollbacks, rolledBackLine } from "../../src/rollout/rollback.js";
import type { RolloutLine } from "../../src/rollout/types.js";

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
});
