import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPinoLogger } from "../../src/logging/pino-logger.js";
import { scrubSecrets } from "../../src/logging/redact.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("secret redaction", () => {
  it("scrubs bearer tokens and API keys from text", () => {
    expect(scrubSecrets("Authorization: Bearer abc.def-123 failed")).toBe("Authorization: Bearer [REDACTED] failed");
    expect(scrubSecrets('{"key":"sk-proj-abcdefgh12345"}')).toBe('{"key":"[REDACTED]"}');
    expect(scrubSecrets("nothing secret here")).toBe("nothing secret here");
  });

  it("redacts keys and headers in log objects and secrets in messages", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "log-"));
    dirs.push(dir);
    const file = path.join(dir, "server.log");
    const log = createPinoLogger({ CODEX_APP_SERVER_LOG_FILE: file }, "info");
    log.warn({ apiKey: "sk-live-1234567890", request: { headers: { authorization: "Bearer xyz" } }, ok: 1 }, "sent Bearer tok-999");
    log.flush();
    const line = JSON.parse(readFileSync(file, "utf8").trim()) as Record<string, unknown>;
    expect(line.apiKey).toBe("[REDACTED]");
    expect((line.request as Record<string, unknown>).headers).toBe("[REDACTED]");
    expect(line.ok).toBe(1);
    expect(line.msg).toBe("sent Bearer [REDACTED]");
    expect(JSON.stringify(line)).not.toMatch(/xyz|tok-999|1234567890/);
  });
});
