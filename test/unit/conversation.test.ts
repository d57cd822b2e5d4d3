// The engine's conversation on its own: what its listeners and its rollout see.
import { describe, expect, it } from "vitest";
import { Conversation } from "../../src/core/conversation.js";
import type { CoreEvent } from "../../src/core/events.js";
import { ephemeralSink } from "../../src/core/rollout-sink.js";
import type { ModelClient, ModelEvent } from "../../src/model/types.js";

/** A model that answers every request with one assistant message. */
function answering(text: string): ModelClient & { requests: number } {
  return {
    requests: 0,
    async *stream(): AsyncIterable<ModelEvent> {
      this.requests++;
      const item = { type: "message" as const, role: "assistant" as const, id: "m", content: [{ type: "output_text" as const, text }] };
      yield { type: "output_item_added", item };
      yield { type: "output_item_done", item };
      yield { type: "completed", responseId: "r" };
    },
  };
}

function conversation(client: ModelClient, onListenerError: (error: unknown) => void): Conversation {
  return new Conversation({
    id: "c1",
    meta: { id: "c1", timestamp: "2026-01-01T00:00:00.000Z", cwd: "/", originator: "t", cli_version: "0", source: "vscode", model_provider: "p" },
    settings: { model: "m", cwd: "/", approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, summary: "auto", instructions: "", tools: [] },
    client,
    writer: ephemeralSink(),
    history: [],
    shellEnv: () => ({}),
    toolTelemetry: { decision: () => {}, result: () => {} },
    onListenerError,
  });
}

describe("Conversation", () => {
  it("a listener that throws (a closed connection) does not end the turn; the others and the history still get it", async () => {
    const client = answering("still here");
    const errors: unknown[] = [];
    const c = conversation(client, (e) => errors.push(e));
    const seen: CoreEvent["type"][] = [];
    let ended: () => void = () => {};
    const turnEnded = new Promise<void>((resolve) => (ended = resolve));
    c.subscribe(() => {
      throw new Error("connection closed");
    });
    c.subscribe((e) => {
      seen.push(e.type);
      if (e.type === "turnComplete" || e.type === "turnAborted") ended();
    });
    c.submit({ text: "hi", images: [], localImages: [] });
    await turnEnded;
    expect(seen).toContain("agentMessageCompleted");
    expect(seen.at(-1)).toBe("turnComplete");
    expect(seen).not.toContain("error");
    expect(c.history.at(-1)).toMatchObject({ role: "assistant", content: [{ text: "still here" }] });
    expect(errors.length).toBe(seen.length);
  });

  it("close drops turns that have not started", async () => {
    const client = answering("x");
    const c = conversation(client, () => {});
    c.submit({ text: "one", images: [], localImages: [] });
    c.submit({ text: "two", images: [], localImages: [] });
    await c.close();
    expect(client.requests).toBe(0);
    expect(c.history).toEqual([]);
  });
});
