// Stdio framing beyond the reference: a client whose first bytes are an LSP `Content-Length` header
// is read and answered in that framing (bodies cut by byte count, headers split across writes,
// other headers ignored); a header block without a length gets an Invalid request error.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type JsonObject } from "../support/server-process.js";

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function frame(message: JsonObject): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`), body]);
}

/** Splits LSP-framed output into messages; throws on anything else. */
function unframe(output: Buffer): JsonObject[] {
  const messages: JsonObject[] = [];
  let rest = output;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    const header = /^Content-Length: (\d+)$/.exec(rest.subarray(0, end).toString());
    if (end < 0 || !header) throw new Error(`not LSP framing: ${rest.toString().slice(0, 200)}`);
    const length = Number(header[1]);
    messages.push(JSON.parse(rest.subarray(end + 4, end + 4 + length).toString()) as JsonObject);
    rest = rest.subarray(end + 4 + length);
  }
  return messages;
}

describe("LSP Content-Length framing on stdio", () => {
  it("is detected from the first bytes and used for the replies", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codex-lsp-"));
    homes.push(home);
    const child = spawn(process.execPath, [BIN], { env: { ...process.env, CODEX_HOME: home }, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    const init = frame({ jsonrpc: "2.0", id: 1, method: "initialize", params: { clientInfo: { name: "lsp_client", title: null, version: "1" } } });
    // The header arrives in pieces; a multi-byte character sits in a body.
    child.stdin.write(init.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 50));
    child.stdin.write(init.subarray(7));
    child.stdin.write(Buffer.concat([frame({ jsonrpc: "2.0", id: 2, method: "getUserAgent", params: { note: "héllo ✓" } }), Buffer.from("X-Other: 1\r\n\r\n")]));
    child.stdin.write(frame({ jsonrpc: "2.0", id: 3, method: "getUserAgent" }));
    child.stdin.end();
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    const messages = unframe(Buffer.concat(chunks));
    expect(messages.find((m) => m.id === 1)).toMatchObject({ result: { userAgent: expect.stringMatching(/\(lsp_client; 1\)$/) } });
    expect(messages.find((m) => m.id === 2)).toMatchObject({ result: { userAgent: expect.any(String) } });
    expect(messages.find((m) => m.id === null)).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/without a Content-Length/) } });
    expect(messages.find((m) => m.id === 3)).toMatchObject({ result: { userAgent: expect.any(String) } });
  });
});
