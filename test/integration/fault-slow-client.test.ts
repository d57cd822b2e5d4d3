// A client that stops reading stdout in the middle of a 50,000-delta turn: the server waits for it
// instead of buffering the turn (its RSS stays bounded), and once the client reads again the turn
// completes with every delta.
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manyDeltas, startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const DELTAS = 50_000;
// 50,000 × 400 characters: buffered, the unread notifications (two per delta) would be ~60 MB.
const DELTA = "0123456789".repeat(40);
// Generous: a paced server grows by a few MB; one that buffers the turn grows by far more.
const RSS_GROWTH_LIMIT_MB = 40;

/** Resident set size of a process in MB (Linux). */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) / 1024;
}

describe("a client that stops reading during a 50,000-delta turn", () => {
  it("keeps server memory bounded while it waits, and completes the turn once reading resumes", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(manyDeltas(DELTAS, DELTA));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "flood me");
    await s.waitFor(() => events(s, "agent_message_delta")[0], 10_000, "the first delta");
    s.child.stdout.pause();
    const pid = s.child.pid!;
    const before = rssMb(pid);
    let peak = before;
    // Long enough for a server that does not wait to buffer tens of MB (measured: +95 MB in 3 s).
    for (let i = 0; i < 30; i++) {
      await delay(100);
      peak = Math.max(peak, rssMb(pid));
    }
    const readBeforeResume = events(s, "agent_message_delta").length;
    s.child.stdout.resume();
    // Generous: 100,000 notifications of 600 bytes on a loaded 2-core machine.
    await s.waitFor(() => events(s, "task_complete")[0], 40_000, "the turn to complete");

    expect(peak - before, `RSS ${before.toFixed(1)} MB -> peak ${peak.toFixed(1)} MB`).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    // It waited: most of the turn was still to come when the client resumed.
    expect(readBeforeResume).toBeLessThan(DELTAS / 2);
    expect(events(s, "agent_message_delta")).toHaveLength(DELTAS);
    const [complete] = events(s, "task_complete");
    expect((complete?.last_agent_message as string).length).toBe(DELTAS * DELTA.length);
  }, 60_000);
});
