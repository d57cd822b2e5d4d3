// The passes model streams share: every waiting stream runs again, they take turns, work queued
// behind them (a request read meanwhile) runs before they are done, and turn starts come 4 a pass.
import { describe, expect, it } from "vitest";
import { StreamSlices, turnStart } from "../../src/model/stream-slices.js";

/** Keeps the CPU busy for `ms`, as handling a model event does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

async function stream(name: string, events: number, log: string[]): Promise<void> {
  const slices = new StreamSlices();
  for (let i = 0; i < events; i++) {
    const wait = slices.next();
    if (wait) await wait;
    busy(1);
    log.push(name);
  }
}

describe("stream slices", () => {
  it("every waiting stream resumes and they take turns; other work runs between passes", async () => {
    const log: string[] = [];
    let otherAt = -1;
    // Queued now, as a request line read while the streams run would be.
    setImmediate(() => (otherAt = log.length));
    await Promise.all([stream("a", 20, log), stream("b", 20, log), stream("c", 20, log)]);
    expect(log.filter((n) => n === "a")).toHaveLength(20);
    expect(log.filter((n) => n === "b")).toHaveLength(20);
    expect(log.filter((n) => n === "c")).toHaveLength(20);
    // A few events per pass: the runs alternate instead of one stream finishing first.
    const runs = log.filter((n, i) => i === 0 || log[i - 1] !== n);
    expect(runs.length).toBeGreaterThan(6);
    expect(runs.slice(0, 3).sort()).toEqual(["a", "b", "c"]);
    expect(otherAt).toBeGreaterThanOrEqual(0);
    expect(otherAt).toBeLessThan(log.length / 2);
  });

  it("lets 4 turns start in a pass; the rest start in later passes, in order", async () => {
    const started: number[] = [];
    const waits = Array.from({ length: 10 }, (_, i) => {
      const wait = turnStart();
      if (!wait) started.push(i);
      return wait?.then(() => started.push(i));
    });
    expect(started).toEqual([0, 1, 2, 3]);
    await Promise.all(waits);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
