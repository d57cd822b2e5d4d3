// 50,000 deltas is a long turn; the reference takes ~107 s for it end to end. The model layer's
// share must be a small fraction of a second per 10,000 deltas.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponsesClient } from "../../src/model/responses-client.js";
import type { ModelEvent } from "../../src/model/types.js";
import { manyDeltas, startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";

let server: FakeModelServer;
let home: string;
beforeAll(async () => {
  server = await startFakeModelServer();
  home = mkdtempSync(path.join(tmpdir(), "model-bench-"));
});
afterAll(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

describe("throughput", () => {
  it("streams 50,000 deltas quickly, every one in order", async () => {
    const COUNT = 50_000;
    server.enqueue(manyDeltas(COUNT, "tok ", { itemId: "msg_b", responseId: "resp_b" }));
    const client = createResponsesClient(
      {
        id: "fake", name: "fake", baseUrl: server.url, wireApi: "responses", queryParams: {}, httpHeaders: {}, envHttpHeaders: {},
        requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 10_000, requiresOpenaiAuth: false,
      },
      { codexHome: home, env: {}, onSseEvent: () => {} },
    );
    const request = { model: "m", instructions: "", input: [], tools: [], conversationId: "c" };
    let deltas = 0;
    let chars = 0;
    let last: ModelEvent | undefined;
    const started = performance.now();
    for await (const event of client.stream(request, new AbortController().signal)) {
      if (event.type === "output_text_delta") {
        deltas++;
        chars += event.delta.length;
      }
      last = event;
    }
    const ms = performance.now() - started;
    console.log(`50,000 deltas streamed in ${ms.toFixed(0)} ms`);
    expect(deltas).toBe(COUNT);
    expect(chars).toBe(COUNT * 4);
    expect(last).toMatchObject({ type: "completed", responseId: "resp_b" });
    expect(ms).toBeLessThan(5_000);
  });
});
