import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeEvent, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";

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
    expect(server.requests).toEqual([{ method: "POST", path: "/v1/responses?x=1", headers: expect.objectContaining({ "x-test": "1" }), body: { a: 1 } }]);
    expect(server.pending()).toBe(0);
  });

  it("answers 500 with a clear message when nothing is scripted", async () => {
    const res = await fetch(`${server.url}/responses`, { method: "POST", body: "not json" });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("no scripted response left for request #1");
    expect(server.requests[0]?.body).toBe("not json");
  });
});
