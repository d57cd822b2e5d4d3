// initialize / getUserAgent / the initialize gate, over the real bin.
import { afterEach, describe, expect, it } from "vitest";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";

const start = useServers(afterEach, expectOnlyJsonLines);

const USER_AGENT = /^test_ide\/\d+\.\d+\.\d+ \([^;()]+; [^()]+\) \S+ \(test_ide; 1\.2\.3\)$/;

describe("initialize", () => {
  it("answers with the user agent built from clientInfo, and getUserAgent agrees", async () => {
    const s = start({ env: { TERM: "xterm" } });
    const init = await s.initialize();
    expect(init.error).toBeUndefined();
    const { userAgent } = init.result as { userAgent: string };
    expect(userAgent).toMatch(USER_AGENT);
    expect(userAgent).toContain(") xterm (");
    const again = await s.request("getUserAgent");
    expect(again.result).toEqual({ userAgent });
  });

  it("reports CODEX_HOME and the platform as 0.169 does", async () => {
    const s = start();
    const init = await s.initialize();
    expect(init.result).toMatchObject({ codexHome: s.codexHome, platformFamily: "unix", platformOs: process.platform === "darwin" ? "macos" : process.platform });
  });

  it("refuses every request before initialize, then works", async () => {
    const s = start();
    const early = await s.request("getUserAgent");
    expect(early.error).toEqual({ code: -32600, message: "Not initialized" });
    const unknown = await s.request("noSuchMethod", {});
    expect(unknown.error).toEqual({ code: -32600, message: "Not initialized" });
    expect((await s.initialize()).result).toBeDefined();
    expect((await s.request("getUserAgent")).result).toBeDefined();
  });

  it("refuses a second initialize", async () => {
    const s = start();
    await s.initialize();
    const second = await s.request("initialize", { clientInfo: { name: "other", title: null, version: "9" } });
    expect(second.error).toEqual({ code: -32600, message: "Already initialized" });
    const ua = (await s.request("getUserAgent")).result as { userAgent: string };
    expect(ua.userAgent.startsWith("test_ide/")).toBe(true);
  });

  it("refuses a clientInfo.name that is not a header value and stays uninitialized", async () => {
    const s = start();
    const bad = await s.request("initialize", { clientInfo: { name: "bad\nname", title: null, version: "1" } });
    expect(bad.error).toEqual({
      code: -32600,
      message: "Invalid clientInfo.name: 'bad\nname'. Must be a valid HTTP header value.",
    });
    expect((await s.request("getUserAgent")).error?.message).toBe("Not initialized");
    const good = await s.initialize("good_ide", "2.0");
    expect((good.result as { userAgent: string }).userAgent).toMatch(/^good_ide\/.* \(good_ide; 2\.0\)$/);
  });

  it("answers invalid params with -32602 naming the field", async () => {
    const s = start();
    const res = await s.request("initialize", { clientInfo: { name: 5, version: "1" } });
    expect(res.error?.code).toBe(-32602);
    expect(res.error?.message).toContain("clientInfo.name");
    const missing = await s.request("initialize", {});
    expect(missing.error?.code).toBe(-32602);
    expect(missing.error?.message).toContain("clientInfo: missing field");
  });

  it("lets CODEX_INTERNAL_ORIGINATOR_OVERRIDE win over clientInfo.name", async () => {
    const s = start({ env: { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "forced_origin" } });
    const { userAgent } = (await s.initialize()).result as { userAgent: string };
    expect(userAgent).toMatch(/^forced_origin\/\S+ .* \(test_ide; 1\.2\.3\)$/);
  });

  it("answers unknown methods with -32601 once initialized", async () => {
    const s = start();
    await s.initialize();
    expect((await s.request("fooBar", {})).error).toEqual({ code: -32601, message: "Method not found: fooBar" });
  });

  it("accepts messages with or without jsonrpc, echoes string ids and id 0, and replies as JSON-RPC 2.0", async () => {
    const s = start();
    s.send({ jsonrpc: "2.0", id: 0, method: "initialize", params: { clientInfo: { name: "x", title: null, version: "1" } } });
    const zero = await s.response(0);
    expect(zero).toMatchObject({ jsonrpc: "2.0", id: 0, result: { userAgent: expect.stringMatching(/^x\//) } });
    s.send({ id: "abc", method: "getUserAgent" });
    expect(await s.response("abc")).toMatchObject({ jsonrpc: "2.0", id: "abc" });
  });
});
