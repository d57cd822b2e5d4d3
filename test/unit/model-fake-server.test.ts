import { afterEach, beforeEach, describe, expect, it } from "vitest";
import http from "node:http";
import { encodeEvent, noHeaders, silentAfter, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";

let server: FakeModelServer;
beforeEach(async () => {
  server = await startFakeModelServer();
});
afterEach(() => server.close());

describe("fake model server", () => {
  it("serves scripted responses in order and records every request", async () => {
    server.enqueue(textTurn("hi", { responseId: "r1" }));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${server.url}/responses?x=1`, { method: "POST", headers: { "x-test": "1" }, body: JSON.stringify({ a: 1 }) });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.startsWith(encodeEvent({ type: "response.created", response: { id: "r1" } }))).toBe(true);
    expect(text).toContain("event: response.completed\n");
    expect(server.requests).toEqual([{ method: "POST", path: "/v1/responses?x=1", headers: expect.objectContaining({ "x-test": "1" }), body: { a: 1 }, at: expect.any(Number) }]);
    expect(server.pending()).toBe(0);
  });

  it("answers 500 with a clear message when nothing is scripted", async () => {
    const res = await fetch(`${server.url}/responses`, { method: "POST", body: "not json" });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("no scripted response left for request #1");
    expect(server.requests[0]?.body).toBe("not json");
  });

  it("noHeaders never answers: the connection ends without a status line when the server closes", async () => {
    server.enqueue(noHeaders());
    let heads = 0;
    const outcome = new Promise<string>((resolve) => {
      const req = http.request(`${server.url}/responses`, { method: "POST" }, () => heads++);
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end("{}");
    });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await server.close();
    expect(await outcome).toBe("ECONNRESET");
    expect(heads).toBe(0);
  });

  it("silentAfter sends the head and the first events, then nothing until closed", async () => {
    server.enqueue(silentAfter(textTurn("never", { responseId: "r9" }), 1));
    const res = await fetch(`${server.url}/responses`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(encodeEvent({ type: "response.created", response: { id: "r9" } }));
    const rest = reader.read();
    await server.close();
    await expect(rest).rejects.toThrow();
  });
});
