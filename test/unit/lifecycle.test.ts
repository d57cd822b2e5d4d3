import { describe, expect, it } from "vitest";
import { Lifecycle } from "../../src/transport/lifecycle.js";

function lifecycle(hooks: ((l: Lifecycle) => void)[] = []) {
  const exits: number[] = [];
  const l = new Lifecycle({ deadlineMs: 1_000, exit: (code) => exits.push(code) });
  for (const hook of hooks) l.onShutdown("hook", () => hook(l));
  return { l, exits };
}

describe("Lifecycle", () => {
  it("exits 0 after a plain shutdown and 1 after a crash", async () => {
    const plain = lifecycle();
    await plain.l.shutdown("stdin closed");
    expect(plain.exits).toEqual([0]);
    const crashed = lifecycle();
    await crashed.l.shutdown("uncaught exception", 1);
    expect(crashed.exits).toEqual([1]);
  });

  it("exits 1 when a crash happens while a clean shutdown is under way", async () => {
    const { l, exits } = lifecycle([(self) => void self.shutdown("uncaught exception", 1)]);
    await l.shutdown("SIGTERM");
    expect(exits).toEqual([1]);
  });

  it("lets a first signal join a shutdown that stdin's end started; a second signal exits at once", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { l, exits } = lifecycle([() => held]);
    const done = l.shutdown("stdin closed");
    await new Promise((resolve) => setTimeout(resolve, 10));
    l.onSignal("SIGTERM");
    expect(exits).toEqual([]);
    release();
    await done;
    expect(exits).toEqual([0]);

    const twice = lifecycle([() => new Promise<void>(() => {})]);
    twice.l.onSignal("SIGTERM");
    twice.l.onSignal("SIGINT");
    expect(twice.exits).toEqual([130]);
  });
});
