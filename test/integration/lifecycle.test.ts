// Exit 0 within 3 s of stdin EOF, SIGTERM or SIGINT; a closed stdout starts a clean shutdown.
import { afterEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { BIN, expectOnlyJsonLines, useServers } from "../support/server-process.js";

const FAULT_ON_SIGNAL = fileURLToPath(new URL("../support/fault-on-signal.mjs", import.meta.url));

const start = useServers(afterEach);

describe("lifecycle", () => {
  it("exits 0 soon after stdin EOF", async () => {
    const s = start();
    await s.initialize();
    const { code, ms } = await s.closeStdin();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
  });

  it("answers a request written just before EOF", async () => {
    const s = start();
    s.send({ id: 1, method: "initialize", params: { clientInfo: { name: "quick", title: null, version: "1" } } });
    const { code } = await s.closeStdin();
    expect(code).toBe(0);
    expect(s.messages).toEqual([expect.objectContaining({ id: 1, result: expect.objectContaining({ userAgent: expect.stringMatching(/^quick\//) }) })]);
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`exits 0 soon after ${signal}`, async () => {
      const s = start();
      await s.initialize();
      const t0 = Date.now();
      s.child.kill(signal);
      const { code } = await s.exited;
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(3_000);
    });
  }

  for (const [fault, logged] of [
    ["exception", "uncaught exception"],
    ["rejection", "unhandled rejection"],
  ] as const) {
    it(`logs an ${logged}, shuts down as usual and exits 1`, async () => {
      const s = start({ command: [process.execPath, "--import", FAULT_ON_SIGNAL, BIN], env: { FAULT: fault } });
      await s.initialize();
      s.child.kill("SIGUSR2");
      const { code, signal } = await s.exited;
      expect({ code, signal }).toEqual({ code: 1, signal: null });
      expect(s.stderr).toContain(logged);
      expect(s.stderr).toContain("fault injected by the test");
      expectOnlyJsonLines(s);
    });
  }

  it("shuts down cleanly when the client stops reading stdout", async () => {
    const s = start();
    await s.initialize();
    s.child.stdout.destroy();
    for (let i = 0; i < 50; i++) s.send({ id: 100 + i, method: "getUserAgent" });
    const { code } = await s.exited;
    expect(code).toBe(0);
    expect(s.stderr).not.toMatch(/Error: write EPIPE\n\s+at/);
  });
});
