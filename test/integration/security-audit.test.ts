// Findings of the security review, each pinned over the real bin: secrets that reached a log or a
// client, commands and files reached from places another user can write, fs/* edge cases.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { stdioServerToml } from "../support/mcp-servers.js";
import { killProcessesWith } from "../support/processes.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
let marker: string;
beforeEach(() => {
  model = fakeModel();
  marker = `audit-marker-${randomUUID()}`;
});
const start = useServers(afterEach, expectOnlyJsonLines);
afterEach(() => killProcessesWith(marker));

const MCP_ENV_SECRET = "mcpenv-7d2f9a4c1b";

describe("secrets in the log", () => {
  it("an MCP server's env value echoed on its stderr is redacted in the log (the logger bundle shares the registry)", async () => {
    const toml = fakeProviderToml(model, stdioServerToml("chatty", [`--marker=${marker}`, "--stderr-env=TOKEN"], `env = { TOKEN = "${MCP_ENV_SECRET}" }`));
    const s = await startInitialized(start, toml, { env: { CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
    model.enqueue(textTurn("ok"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "hi");
    await turnsEnded(s);
    expect(events(s, "mcp_startup_complete")[0]).toMatchObject({ ready: ["chatty"] });
    // The line was logged, so the missing value means it was redacted.
    await s.stderrMatch(/TOKEN is /);
    expect(s.stderr).toContain("TOKEN is [REDACTED]");
    expect(s.stderr).not.toContain(MCP_ENV_SECRET);
  });
});
