// The stdio writer batches lines per event-loop turn and flushes a reply early; with the pipe full
// (write returns false until 'drain') every line must still go out exactly once, in order.
import { EventEmitter } from "node:events";
import type { Writable } from "node:stream";
import type { Message } from "vscode-jsonrpc/node";
import { describe, expect, it } from "vitest";
import { NdjsonMessageWriter } from "../../src/transport/ndjson-writer.js";

/** A pipe that reports itself full after each write until the test drains it. */
function fullPipe() {
  const stream = Object.assign(new EventEmitter(), { writableLength: 0 }) as unknown as Writable & EventEmitter;
  const written: string[] = [];
  return {
    written,
    drain: () => stream.emit("drain"),
    output: {
      stream,
      write(data: string, done: (error?: Error | null) => void) {
        written.push(data);
        queueMicrotask(() => done());
        return false;
      },
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const note = (n: number) => ({ jsonrpc: "2.0", method: "n", params: { n } }) as Message;
const reply = (id: number) => ({ jsonrpc: "2.0", id, result: {} }) as Message;

describe("NdjsonMessageWriter", () => {
  it("writes every line once, in order, when replies flush early while the pipe is full", async () => {
    const pipe = fullPipe();
    const writer = new NdjsonMessageWriter(pipe.output);
    const sent: string[] = [];
    const send = (m: Message) => {
      sent.push(`${JSON.stringify(m)}\n`);
      void writer.write(m);
    };
    send(note(1));
    send(reply(1)); // flushed at the end of this microtask: the pipe is then full
    await Promise.resolve();
    send(note(2)); // a new batch while blocked: two timers now point at it
    await turn();
    await turn();
    send(reply(2));
    send(note(3));
    for (let i = 0; i < 5; i++) {
      pipe.drain();
      await turn();
    }
    expect(pipe.written.join("").split("\n").filter(Boolean)).toEqual(sent.join("").split("\n").filter(Boolean));
  });
});
