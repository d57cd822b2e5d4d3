// A localImage that is not an image file (a FIFO, a device, a directory) or is larger than 20 MB is
// refused: the turn fails at once with an error naming the path, nothing reaches the model, and
// the thread stays usable. Reading a FIFO used to wait for a writer forever.
import { execFileSync } from "node:child_process";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "codex-images-");

async function turnWithImage(s: ServerProcess, threadId: string, image: string, nth: number): Promise<JsonObject> {
  await s.request("turn/start", { threadId, input: [{ type: "text", text: "look" }, { type: "localImage", path: image }] });
  const done = await s.waitFor(() => s.notifications("turn/completed")[nth], 15_000, `turn/completed #${nth + 1}`);
  return (done.params as { turn: JsonObject }).turn;
}

describe("localImage inputs", () => {
  it("refuses a FIFO, a device, a directory and a file over 20 MB with the path and the reason", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "pipe.png");
    execFileSync("mkfifo", [fifo]);
    const folder = path.join(dir, "folder.png");
    mkdirSync(folder);
    const big = path.join(dir, "big.png");
    writeFileSync(big, "");
    truncateSync(big, 21 * 1024 * 1024); // sparse: no 21 MB written to disk
    const cases: [string, string][] = [
      [fifo, `localImage ${fifo} is not a regular file (a FIFO)`],
      ["/dev/zero", "localImage /dev/zero is not a regular file (a character device)"],
      [folder, `localImage ${folder} is not a regular file (a directory)`],
      [big, `localImage ${big} is larger than 20.0 MB (21.0 MB)`],
    ];
    const s = await startInitialized(start, fakeProviderToml(model));
    const started = await s.request("thread/start", { cwd: dir });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    for (const [i, [image, message]] of cases.entries()) {
      const turn = await turnWithImage(s, threadId, image, i);
      expect(turn).toMatchObject({ status: "failed", error: { message, codexErrorInfo: "badRequest" } });
    }
    expect(model.requests).toHaveLength(0);
    // The thread goes on, and a real image still goes to the model as a data URL.
    writeFileSync(path.join(dir, "ok.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    model.enqueue(textTurn("seen"));
    const turn = await turnWithImage(s, threadId, "ok.png", cases.length);
    expect(turn.status).toBe("completed");
    const sent = JSON.stringify(model.requests[0]!.body.input);
    expect(sent).toContain("data:image/png;base64,iVBORw==");
    expect(sent).not.toContain("pipe.png");
  });
});
