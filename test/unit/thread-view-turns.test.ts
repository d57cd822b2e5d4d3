// Turns rebuilt from a rollout (thread/read, thread/resume): ids and times as recorded by
// task_started / task_complete lines, and older rollouts without them still readable.
import { describe, expect, it } from "vitest";
import type { RolloutLine } from "../../src/rollout/types.js";
import { buildTurns } from "../../src/server/v2/thread-view.js";

const T0 = Date.parse("2026-12-02T10:00:00.000Z");
const line = (offsetMs: number, type: RolloutLine["type"], payload: unknown): RolloutLine => ({
  timestamp: new Date(T0 + offsetMs).toISOString(),
  type,
  payload,
});
const assistant = (text: string) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });

describe("turns rebuilt from a rollout", () => {
  it("take their ids and times from task_started / task_complete / turn_aborted", () => {
    const turns = buildTurns([
      line(0, "event_msg", { type: "task_started", turn_id: "019a-first", started_at: T0 / 1000, model_context_window: 1000 }),
      line(5, "event_msg", { type: "user_message", message: "hi" }),
      line(9, "turn_context", { turn_id: "019a-first", cwd: "/w" }),
      line(800, "response_item", assistant("hello")),
      line(900, "event_msg", { type: "task_complete", turn_id: "019a-first", last_agent_message: "hello", completed_at: T0 / 1000, duration_ms: 900 }),
      line(2_000, "event_msg", { type: "task_started", turn_id: "019a-second", started_at: T0 / 1000 + 2 }),
      line(2_005, "event_msg", { type: "user_message", message: "stop" }),
      line(3_000, "event_msg", { type: "turn_aborted", turn_id: "019a-second", reason: "interrupted", completed_at: T0 / 1000 + 3, duration_ms: 1_000 }),
    ]);
    expect(turns.map((t) => [t.id, t.status, t.startedAt, t.completedAt, t.durationMs])).toEqual([
      ["019a-first", "completed", T0 / 1000, T0 / 1000, 900],
      ["019a-second", "interrupted", T0 / 1000 + 2, T0 / 1000 + 3, 1_000],
    ]);
    expect(turns[0]!.items).toEqual([
      expect.objectContaining({ type: "userMessage", content: [{ type: "text", text: "hi", text_elements: [] }], startedAtMs: T0 + 5, completedAtMs: T0 + 5 }),
      // Recorded once complete: when it began streaming is not known.
      expect.objectContaining({ type: "agentMessage", text: "hello", startedAtMs: null, completedAtMs: T0 + 800 }),
    ]);
    expect(turns[0]).toMatchObject({ rootTurnId: "019a-first", itemsView: "full" });
  });

  it("reads older rollouts without turn ids: one turn per user message, started when it was written, end unknown", () => {
    const turns = buildTurns([
      line(0, "event_msg", { type: "user_message", message: "one" }),
      line(100, "response_item", assistant("a")),
      line(1_000, "event_msg", { type: "user_message", message: "two" }),
      line(1_100, "response_item", assistant("b")),
    ]);
    expect(turns.map((t) => [t.id, t.startedAt, t.completedAt, t.durationMs, t.items.length])).toEqual([
      ["turn-1", T0 / 1000, null, null, 2],
      ["turn-2", Math.floor((T0 + 1_000) / 1000), null, null, 2],
    ]);
  });
});
