// Configured secrets never reach a client's error event, the log on stderr or a rollout: query_params
// values, header values, env_key values, and credentials in a git remote URL.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpError, startFakeModelServer, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "codex-redact-");

const QUERY_SECRET = "qsecret-4f9a2b7c1d";
const HEADER_SECRET = "hsecret-8e3d6a0b5c";
const ENV_HEADER_SECRET = "esecret-2c7b9d4f1a";
const ENV_KEY_SECRET = "ksecret-5a1e8c3b9d";

/** Everything a client and an operator could see: stdout lines and stderr. */
function visible(s: ServerProcess): string {
  return `${s.lines.join("\n")}\n${s.stderr}`;
}

async function oneFailedTurn(s: ServerProcess): Promise<void> {
  const { conversationId } = await openConversation(s);
  await say(s, conversationId, "x");
  await turnsEnded(s, 1);
}

describe("secret redaction", () => {
  it("a query_params value is not in the error event or the log when the model cannot be reached", async () => {
    await model.close(); // its port now refuses connections
    const toml = fakeProviderToml(model, `query_params = { key = "${QUERY_SECRET}" }`).replace("stream_max_retries = 0", "stream_max_retries = 1");
    const s = await startInitialized(start, toml, { env: { CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
    await oneFailedTurn(s);
    const [error] = events(s, "error");
    expect(error!.message).toMatch(/^error sending request for url \(http:\/\/127\.0\.0\.1:\d+\/v1\/responses\): /);
    // The failure was logged (with its URL), so the absence of the secret means something.
    expect(s.stderr).toContain("error sending request for url");
    expect(visible(s)).not.toContain(QUERY_SECRET);
  });

  it("header and env_key values echoed by the model server are redacted from the error and the log", async () => {
    const extra = `http_headers = { "x-api-key" = "${HEADER_SECRET}" }\nenv_http_headers = { "x-org" = "ORG_SECRET" }`;
    const s = await startInitialized(start, fakeProviderToml(model, extra), {
      env: { CODEX_APP_SERVER_LOG_LEVEL: "debug", ORG_SECRET: ENV_HEADER_SECRET, FAKE_API_KEY: ENV_KEY_SECRET },
    });
    const echo = `keys ${HEADER_SECRET} ${ENV_HEADER_SECRET} ${ENV_KEY_SECRET} are not valid`;
    model.enqueue(httpError(401, JSON.stringify({ error: { message: echo } })));
    await oneFailedTurn(s);
    // The request did carry them: the redaction is ours, not a missing header.
    const sent = model.requests[0]!.headers;
    expect([sent["x-api-key"], sent["x-org"], sent.authorization]).toEqual([HEADER_SECRET, ENV_HEADER_SECRET, `Bearer ${ENV_KEY_SECRET}`]);
    const [error] = events(s, "error");
    expect(error!.message).toBe("unexpected status 401 Unauthorized: keys [REDACTED] [REDACTED] [REDACTED] are not valid");
    for (const secret of [HEADER_SECRET, ENV_HEADER_SECRET, ENV_KEY_SECRET]) expect(visible(s)).not.toContain(secret);
  });

  it("a git remote URL's credentials are not recorded in the rollout", async () => {
    const repo = tempDir();
    mkdirSync(path.join(repo, ".git", "refs", "heads"), { recursive: true });
    writeFileSync(path.join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(path.join(repo, ".git", "refs", "heads", "main"), `${"a".repeat(40)}\n`);
    writeFileSync(path.join(repo, ".git", "config"), '[remote "origin"]\n\turl = https://alice:ghp_tokenvalue123@example.com/org/repo.git\n');
    const s = await startInitialized(start, fakeProviderToml(model));
    const { rolloutPath } = await openConversation(s, { cwd: repo });
    const meta = JSON.parse(readFileSync(rolloutPath, "utf8").split("\n")[0]!) as { payload: { git: JsonObject } };
    expect(meta.payload.git).toEqual({ commit_hash: "a".repeat(40), branch: "main", repository_url: "https://example.com/org/repo.git" });
    expect(readFileSync(rolloutPath, "utf8")).not.toMatch(/alice|ghp_tokenvalue123/);
  });
});
