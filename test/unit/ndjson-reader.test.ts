import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Message } from "vscode-jsonrpc/node";
import { NdjsonMessageReader, type InputProblem } from "../../src/transport/ndjson-reader.js";

function readAll(chunk: string, take: (m: Message) => void) {
  const input = new PassThrough();
  const failed: Message[] = [];
  const ignored: string[] = [];
  const problems: InputProblem[] = [];
  let requests = 0;
  const reader = new NdjsonMessageReader(input, {
    onProblem: (p) => problems.push(p),
    onRequest: () => requests++,
    onIgnored: (method) => ignored.push(method),
    onDeliveryFailed: (m) => failed.push(m),
  });
  reader.listen(take);
  input.write(chunk);
  return { failed, ignored, problems, requests: () => requests };
}

describe("NdjsonMessageReader", () => {
  it("keeps delivering the rest of a chunk when the connection throws on one line", () => {
    const taken: unknown[] = [];
    const seen = readAll('{"id":1,"method":"boom"}\n{"id":2,"method":"ok"}\n', (m) => {
      if ((m as { method?: string }).method === "boom") throw new Error("boom");
      taken.push((m as { id?: unknown }).id);
    });
    expect(taken).toEqual([2]);
    expect(seen.failed).toMatchObject([{ id: 1, method: "boom" }]);
    // Only the request the connection took will be answered by it.
    expect(seen.requests()).toBe(1);
  });

  it("goes on with the next line when answering a bad one throws", () => {
    const input = new PassThrough();
    const taken: unknown[] = [];
    const failures: unknown[] = [];
    const reader = new NdjsonMessageReader(input, {
      onProblem: () => {
        throw new Error("cannot answer");
      },
      onLineFailed: (error) => failures.push(error),
    });
    reader.listen((m) => taken.push((m as { id?: unknown }).id));
    input.write('not json\n{"id":2,"method":"ok"}\n');
    expect(taken).toEqual([2]);
    expect(failures).toHaveLength(1);
  });

  it("drops a $/cancelRequest without a usable id and delivers a well-formed one", () => {
    const taken: Message[] = [];
    const bad = ["", ',"params":null', ',"params":[]', ',"params":{}', ',"params":{"id":null}', ',"params":{"id":[1]}'];
    const lines = bad.map((p) => `{"method":"$/cancelRequest"${p}}\n`).join("");
    const seen = readAll(`${lines}{"method":"$/cancelRequest","params":{"id":"x"}}\n`, (m) => taken.push(m));
    expect(seen.ignored).toHaveLength(bad.length);
    expect(seen.problems).toEqual([]);
    expect(taken).toMatchObject([{ method: "$/cancelRequest", params: { id: "x" } }]);
  });
});
