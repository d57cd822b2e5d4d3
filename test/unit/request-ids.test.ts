import { describe, expect, it } from "vitest";
import type { Message } from "vscode-jsonrpc/node";
import { RequestIds } from "../../src/rpc/request-ids.js";

const request = (id: string | number, method = "m") => ({ jsonrpc: "2.0", id, method }) as Message;
const reply = (id: unknown) => ({ jsonrpc: "2.0", id, result: {} }) as Message;
const cancel = (id: unknown) => ({ jsonrpc: "2.0", method: "$/cancelRequest", params: { id } }) as Message;
const idOf = (m: Message | undefined) => (m as { id?: unknown } | undefined)?.id;

describe("RequestIds", () => {
  it("gives requests sharing a client id distinct ids and their replies the client id back", () => {
    const ids = new RequestIds();
    const a = idOf(ids.inbound(request("x")));
    const b = idOf(ids.inbound(request("x")));
    const n = idOf(ids.inbound(request(1)));
    const s = idOf(ids.inbound(request("1")));
    expect(new Set([a, b, n, s]).size).toBe(4);
    expect(idOf(ids.outbound(reply(b)))).toBe("x");
    expect(idOf(ids.outbound(reply(s)))).toBe("1");
    expect(idOf(ids.outbound(reply(n)))).toBe(1);
    expect(idOf(ids.outbound(reply(a)))).toBe("x");
    expect(ids.pending).toBe(0);
  });

  it("points a cancel at the pending request and drops one for an id not pending", () => {
    const ids = new RequestIds();
    const ours = idOf(ids.inbound(request(5)));
    expect(ids.inbound(cancel(5))).toMatchObject({ params: { id: ours } });
    expect(ids.inbound(cancel("5"))).toBeUndefined();
    ids.outbound(reply(ours));
    expect(ids.inbound(cancel(5))).toBeUndefined();
  });

  it("leaves the server's own requests, notifications and client replies alone", () => {
    const ids = new RequestIds();
    const outgoing = { jsonrpc: "2.0", id: 0, method: "execCommandApproval", params: {} } as Message;
    expect(ids.outbound(outgoing)).toBe(outgoing);
    const clientReply = reply(0);
    expect(ids.inbound(clientReply)).toBe(clientReply);
    expect(ids.outbound(reply(99))).toMatchObject({ id: 99 });
  });
});
