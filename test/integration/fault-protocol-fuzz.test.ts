// Hostile input never costs a well-formed request its reply, never puts anything but JSON on
// stdout and never stops the server. Seeded and reproducible: FUZZ_SEED=<n> (and FUZZ_LINES=<n>)
// replays a run; `npm run soak` runs longer ones.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer } from "../support/fake-model-server.js";
import { checkNumberedReplies, protocolFuzz } from "../support/protocol-fuzz.mjs";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { FAKE_ENV, fakeProviderToml, useFakeModel } from "../support/v1-session.js";

const SEED = Number(process.env.FUZZ_SEED ?? 8);
const LINES = Number(process.env.FUZZ_LINES ?? 10_000);

const start = useServers(afterEach);
const model = useFakeModel(beforeEach, afterEach, startFakeModelServer);

/** Polls `done` until it holds or `ms` pass (a liveness bound, not a speed check). */
async function within(ms: number, done: () => boolean, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return true;
}

describe("protocol fuzz", () => {
  it(`answers each numbered request once through ${LINES} random and mutated lines (seed ${SEED})`, async () => {
    // Anything that reaches a model reaches the fake one on 127.0.0.1.
    const s = start({ configToml: fakeProviderToml(model(), "", "never"), env: FAKE_ENV });
    await s.initialize();
    const { writes, numbered } = protocolFuzz({ seed: SEED, lines: LINES });
    for (const chunk of writes) s.writeRaw(chunk);

    let check = checkNumberedReplies(s.messages, numbered);
    await within(60_000, () => {
      check = checkNumberedReplies(s.messages, numbered);
      return check.missing.length === 0 || s.child.exitCode !== null;
    });
    const summary = (c: typeof check) => ({ missing: c.missing.length, someMissing: c.missing.slice(0, 10), repeated: c.repeated });
    expect(summary(check)).toEqual({ missing: 0, someMissing: [], repeated: [] });

    // The fuzz's own requests (listings among them) may still be running: once stdout has been
    // quiet for a moment, the server must answer at once.
    let seen = -1;
    await within(30_000, () => {
      const quiet = s.lines.length === seen;
      seen = s.lines.length;
      return quiet;
    }, 500);
    s.send({ id: "after-fuzz", method: "getUserAgent" });
    const answered = await within(1_000, () => s.messages.some((m) => m.id === "after-fuzz"));
    expect(answered, "getUserAgent answered within 1 s after the fuzz").toBe(true);
    expect(s.messages.find((m) => m.id === "after-fuzz")).toMatchObject({ result: { userAgent: expect.any(String) } });

    expect(summary(checkNumberedReplies(s.messages, numbered))).toEqual({ missing: 0, someMissing: [], repeated: [] });
    expectOnlyJsonLines(s);
    expect(s.messages.every((m) => m.jsonrpc === "2.0")).toBe(true);
    expect({ exitCode: s.child.exitCode, signal: s.child.signalCode }).toEqual({ exitCode: null, signal: null });
    expect(s.stderr).not.toMatch(/uncaught exception|unhandled rejection/);
  }, 180_000);
});
