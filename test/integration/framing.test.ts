// Bad input gets a clear JSON-RPC error and the server keeps running; stdout carries JSON only.
import { afterEach, describe, expect, it } from "vitest";
import { ServerProcess } from "../support/server-process.js";

const servers: ServerProcess[] = [];
async function started(): Promise<ServerProcess> {
  const server = new ServerProcess();
  servers.push(server);
  await server.initialize();
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    expect(s.lines.every((l) => l.startsWith("{") && JSON.parse(l))).toBe(true);
    await s.dispose();
  }
});

async function stillServes(s: ServerProcess): Promise<void> {
  expect((await s.request("getUserAgent")).result).toMatchObject({ userAgent: expect.any(String) });
}

describe("framing", () => {
  it("answers a line that is not JSON with -32700 and id null", async () => {
    const s = await started();
    s.writeRaw("this is not json\n");
    const err = await s.response(null);
    expect(err.error?.code).toBe(-32700);
    expect(err.error?.message).toMatch(/^Parse error/);
    // Logged to stderr too (stdout holds JSON only: checked in afterEach).
    await s.waitFor(() => (s.stderr.includes("Parse error") ? true : undefined), 5_000, "the parse error in the log");
    await stillServes(s);
  });

  it("answers JSON that is not a request with -32600", async () => {
    const s = await started();
    s.writeRaw('{"id":41,"method":5}\n');
    expect((await s.response(41)).error?.code).toBe(-32600);
    s.writeRaw("[1,2,3]\n");
    expect((await s.response(null)).error).toMatchObject({ code: -32600, message: expect.stringContaining("JSON object") });
    await stillServes(s);
  });

  it("reads CRLF lines", async () => {
    const s = await started();
    s.writeRaw('{"id":"crlf","method":"getUserAgent"}\r\n');
    expect((await s.response("crlf")).result).toBeDefined();
  });

  it("reads a UTF-8 character split across two writes", async () => {
    const s = await started();
    const bytes = Buffer.from('{"id":"u","method":"café→"}\n', "utf8");
    const cut = bytes.indexOf(0xc3) + 1; // inside "é"
    s.writeRaw(bytes.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 50));
    s.writeRaw(bytes.subarray(cut));
    expect((await s.response("u")).error?.message).toBe("Method not found: café→");
  });

  it("reads several messages in one write and one message over many writes", async () => {
    const s = await started();
    s.writeRaw('{"id":"a","method":"getUserAgent"}\n{"id":"b","method":"getUserAgent"}\n');
    for (const ch of '{"id":"c","method":"getUserAgent"}\n') s.writeRaw(ch);
    for (const id of ["a", "b", "c"]) expect((await s.response(id)).result).toBeDefined();
  });

  it("ignores a malformed $/cancelRequest and answers the requests written after it", async () => {
    const s = await started();
    const cancels = [
      '{"method":"$/cancelRequest"}',
      '{"method":"$/cancelRequest","params":null}',
      '{"method":"$/cancelRequest","params":[]}',
      '{"method":"$/cancelRequest","params":{}}',
      '{"method":"$/cancelRequest","params":{"id":null}}',
      '{"method":"$/cancelRequest","params":{"id":{"a":1}}}',
      '{"method":"$/cancelRequest","params":[7]}',
    ];
    // Each cancel shares one write with the request after it.
    s.writeRaw(cancels.map((c, i) => `${c}\n{"id":"after-${i}","method":"getUserAgent"}\n`).join(""));
    for (let i = 0; i < cancels.length; i++) expect((await s.response(`after-${i}`)).result).toBeDefined();
    // A cancel is a notification: nothing answers it.
    expect(s.messages.filter((m) => typeof m.id !== "string" || !m.id.startsWith("after-"))).toHaveLength(1);
    await stillServes(s);
  });

  it("answers every request of one write, even two sharing an id, and ids 7 and \"7\" apart", async () => {
    const s = await started();
    s.writeRaw(
      '{"id":"dup","method":"getUserAgent"}\n{"id":"dup","method":"nope"}\n' +
        '{"id":7,"method":"getUserAgent"}\n{"id":"7","method":"nope"}\n',
    );
    const replies = (id: string | number) => s.messages.filter((m) => m.id === id);
    await s.waitFor(() => (replies("dup").length === 2 && replies("7").length === 1 ? true : undefined), 10_000, "four replies");
    expect(replies("dup").map((m) => ("result" in m ? "result" : "error")).sort()).toEqual(["error", "result"]);
    await s.response(7);
    expect(replies(7)).toMatchObject([{ result: { userAgent: expect.any(String) } }]);
    expect(replies("7")).toMatchObject([{ error: { code: -32601 } }]);
  });

  it("rejects a line over 32 MiB without dying", async () => {
    const s = await started();
    const big = `{"id":"big","method":"getUserAgent","params":{"pad":"${"x".repeat(33 * 1024 * 1024)}"}}\n`;
    s.writeRaw(big);
    const err = await s.response(null, 30_000);
    expect(err.error).toMatchObject({ code: -32600, message: expect.stringContaining("exceeds") });
    expect(s.messages.find((m) => m.id === "big")).toBeUndefined();
    await stillServes(s);
  });
});
