// Methods of codex 0.169 that need OpenAI's cloud answer at once with a clear "not supported by
// this server" error (not -32601), and the server keeps serving.
import { afterEach, describe, expect, it } from "vitest";
import { CLOUD_METHODS } from "../../src/server/cloud-methods.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";

const start = useServers(afterEach, expectOnlyJsonLines);

// One of each kind the issue names; the loop below covers the whole list.
const NAMED = {
  "plugin/install": "the plugin marketplace",
  "marketplace/add": "the plugin marketplace",
  "account/gatewayOAuth/login": "ChatGPT OAuth",
  "feedback/upload": "OpenAI's feedback service",
  "thread/realtime/start": "the realtime audio API",
  "windowsSandbox/setupStart": "the Windows sandbox (Windows only)",
};

describe("methods that need OpenAI's cloud", () => {
  it("each answers -32600 '<method> is not supported by this server' at once, whatever the params", async () => {
    const s = start();
    await s.initialize();
    for (const [method, needs] of Object.entries(NAMED)) {
      const res = await s.request(method, { anything: [1, 2] });
      expect(res.error).toEqual({ code: -32600, message: `${method} is not supported by this server: it needs ${needs}`, data: { method, notSupported: true } });
    }
    // All of them, sent together: every one is answered, none hangs.
    const methods = Object.keys(CLOUD_METHODS);
    expect(methods.length).toBeGreaterThan(40);
    const answers = await Promise.all(methods.map((m) => s.request(m)));
    for (const [i, res] of answers.entries()) {
      expect(res.error?.code, methods[i]).toBe(-32600);
      expect(res.error?.message).toMatch(new RegExp(`^${methods[i]!.replace(/\//g, "\\/")} is not supported by this server: it needs `));
    }
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect((await s.request("no/such/method")).error).toMatchObject({ code: -32601 });
    expect((await s.closeStdin()).code).toBe(0);
  });

  it("are gated by initialize like every other method", async () => {
    const s = start();
    expect((await s.request("plugin/list")).error).toEqual({ code: -32600, message: "Not initialized" });
    await s.initialize();
    expect((await s.request("plugin/list")).error).toMatchObject({ code: -32600, message: expect.stringContaining("not supported by this server") });
  });
});
