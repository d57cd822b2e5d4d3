import { describe, expect, it } from "vitest";
import { classify } from "../../src/transport/ndjson-reader.js";

describe("classify", () => {
  it("accepts requests, notifications and responses with or without jsonrpc", () => {
    expect(classify({ id: 0, method: "initialize" })).toBeUndefined();
    expect(classify({ jsonrpc: "2.0", id: "a", method: "x", params: {} })).toBeUndefined();
    expect(classify({ method: "initialized" })).toBeUndefined();
    expect(classify({ id: 3, result: { decision: "approved" } })).toBeUndefined();
    expect(classify({ id: 3, error: { code: 1, message: "no" } })).toBeUndefined();
    expect(classify({ id: 1, method: "x", params: null })).toBeUndefined();
  });

  it("rejects what is not a JSON-RPC message, keeping the id when it can", () => {
    expect(classify([1, 2])).toMatchObject({ kind: "invalid", id: null });
    expect(classify("text")).toMatchObject({ kind: "invalid", id: null });
    expect(classify({ id: 7, method: 5 })).toMatchObject({ kind: "invalid", id: 7 });
    expect(classify({ id: null, method: "x" })).toMatchObject({ kind: "invalid", id: null });
    expect(classify({ id: { a: 1 }, method: "x" })).toMatchObject({ kind: "invalid", id: null });
    expect(classify({ id: 9, method: "x", params: 3 })).toMatchObject({ kind: "invalid", id: 9 });
    expect(classify({ id: 4 })).toMatchObject({ kind: "invalid", id: 4, message: expect.stringContaining("method") });
  });
});
