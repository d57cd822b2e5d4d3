// Model faults through the real bin: each one ends (or survives) its turn cleanly, the server keeps
// answering, and the next turn on the same conversation succeeds, on the v1 and the v2 face.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cut,
  encodeEvent,
  httpError,
  noHeaders,
  silentAfter,
  sse,
  startFakeModelServer,
  textTurn,
  type FakeModelServer,
  type ScriptedResponse,
} from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { FACES, type TurnOutcome } from "../support/turn-faces.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

// Small enough that a silent model is given up on quickly, large enough for a loaded 2-core box.
const IDLE_MS = 500;
const TEN_MB = "x".repeat(10 * 1024 * 1024);

/** Lines no Responses API sends: non-JSON data, JSON that is not an object, unknown and malformed events. */
const GARBAGE = [
  "data: this is not json\n\n",
  "data: {\"type\": \"response.output_text.delta\", \"delta\": \n\n",
  "data: [1, 2, 3]\n\n",
  'data: "a string"\n\n',
  "data: null\n\n",
  ": a comment line\n",
  "retry: soon\n",
  "nonsense field without colon\n\n",
  'event: response.something_new\ndata: {"type":"response.something_new","payload":{"deep":[1,{"x":2}]}}\n\n',
  'data: {"no_type_field": true}\n\n',
  "event: ping\ndata: {}\n\n",
  "data: \u0000\u0001\u0002 control bytes\n\n",
].join("");

interface Fault {
  name: string;
  /** Provider settings appended to the fake provider table. */
  providerToml?: string;
  requestRetries?: number;
  /** What the model does for the faulty turn. */
  script(face: string): ScriptedResponse[];
  /** How the faulty turn must end. */
  check(outcome: TurnOutcome, face: string): void;
}

const FAULTS: Fault[] = [
  {
    name: "HTTP 500 (no retries left) fails the turn with the server's message",
    script: () => [httpError(500, "upstream exploded")],
    check: (o) => expect(o).toMatchObject({ status: "failed", error: "unexpected status 500 Internal Server Error: upstream exploded" }),
  },
  {
    name: "429 with Retry-After is waited out and retried, and the turn completes",
    requestRetries: 1,
    script: (face) => [httpError(429, "slow down", { "retry-after": "1" }), sse(textTurn(`after the wait ${face}`))],
    check: (o, face) => {
      expect(o).toMatchObject({ status: "completed", error: null, lastAgentMessage: `after the wait ${face}` });
      // Our own backoff would retry after ~200 ms; the server asked for a second.
      const [limited, retried] = model.requests.slice(-2);
      expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(900);
    },
  },
  {
    name: "a stream cut mid-response fails the turn as disconnected",
    script: () => [cut(textTurn("this answer never completes", { deltas: ["this answer ", "never completes"] }), 3, "destroy")],
    check: (o) => {
      expect(o.status).toBe("failed");
      expect(o.error).toMatch(/^stream disconnected before completion/);
    },
  },
  {
    name: "a silent stream (headers, then nothing) hits the idle timeout",
    providerToml: `stream_idle_timeout_ms = ${IDLE_MS}`,
    script: () => [silentAfter(textTurn("never finished"), 2)],
    check: (o) => expect(o).toMatchObject({ status: "failed", error: expect.stringMatching(/idle timeout/) }),
  },
  {
    name: "a model that never sends headers hits the idle timeout",
    providerToml: `stream_idle_timeout_ms = ${IDLE_MS}`,
    script: () => [noHeaders()],
    check: (o) => expect(o).toMatchObject({ status: "failed", error: expect.stringMatching(/idle timeout/) }),
  },
  {
    name: "garbage SSE around a valid response is skipped and the turn completes",
    script: (face) => {
      const valid = textTurn(`through the garbage ${face}`).map(encodeEvent);
      return [{ kind: "raw", body: GARBAGE + valid.slice(0, 2).join("") + GARBAGE + valid.slice(2).join("") + GARBAGE }];
    },
    check: (o, face) => expect(o).toMatchObject({ status: "completed", error: null, lastAgentMessage: `through the garbage ${face}` }),
  },
  {
    name: "a stream of nothing but garbage fails the turn as closed before completion",
    script: () => [{ kind: "raw", body: GARBAGE.repeat(50) }],
    check: (o) => {
      expect(o.status).toBe("failed");
      expect(o.error).toMatch(/^stream disconnected before completion/);
    },
  },
  {
    name: "a single 10 MB delta arrives whole",
    script: () => [sse(textTurn(TEN_MB, { deltas: [TEN_MB] }))],
    check: (o) => {
      expect(o.status).toBe("completed");
      expect(o.lastAgentMessage?.length).toBe(TEN_MB.length);
      expect(o.lastAgentMessage === TEN_MB).toBe(true); // not toBe: a failure would print 10 MB
    },
  },
];

describe("model faults leave the conversation usable", () => {
  for (const fault of FAULTS) {
    it(fault.name, async () => {
      let toml = fakeProviderToml(model, fault.providerToml ?? "");
      if (fault.requestRetries) toml = toml.replace("request_max_retries = 0", `request_max_retries = ${fault.requestRetries}`);
      const s = await startInitialized(start, toml);
      for (const face of FACES) {
        const { id } = await face.open(s);
        model.enqueue(...fault.script(face.name));
        await face.say(s, id, "the faulty turn");
        fault.check(await face.turnEnded(s, id, 1), face.name);

        model.enqueue(textTurn(`next turn on ${face.name}`));
        await face.say(s, id, "and now?");
        expect(await face.turnEnded(s, id, 2)).toEqual({
          status: "completed",
          lastAgentMessage: `next turn on ${face.name}`,
          error: null,
          retries: [],
        });
        // The next request carries the conversation so far, the faulty turn's message included.
        expect(JSON.stringify(model.requests.at(-1)!.body.input)).toContain("the faulty turn");
      }
      expect(model.pending()).toBe(0);
      expect((await s.request("getUserAgent", undefined, 5_000)).result).toMatchObject({ userAgent: expect.any(String) });
    });
  }
});
