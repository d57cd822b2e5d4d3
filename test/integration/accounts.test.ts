// Accounts over the real bin: API key login writes auth.json as the reference does and the next
// model request uses it; logout removes it; ChatGPT login is refused; rate limits come from the
// last model response's x-codex-* headers.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sse, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type ServerProcess } from "../support/server-process.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { useFakeModel } from "../support/v1-session.js";

/** Conforms to codex 0.169's schema for `file`, defaulted fields required. */
function expectReferenceShape(file: string, value: unknown): void {
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${file}.json`), value)).toEqual([]);
}

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const KEY = "sk-login-test-0123456789abcdef";
/** No API key in the environment: the account is what auth.json says. */
const NO_ENV_KEYS = { OPENAI_API_KEY: undefined, CODEX_API_KEY: undefined };

/** A provider that uses OpenAI auth (auth.json), pointed at the fake model. */
function openaiAuthToml(m: FakeModelServer): string {
  return `model = "test-model"
model_provider = "fakeopenai"
approval_policy = "never"

[model_providers.fakeopenai]
name = "Fake OpenAI"
base_url = "${m.url}"
wire_api = "responses"
requires_openai_auth = true
request_max_retries = 0
stream_max_retries = 0
`;
}

async function startServer(configToml: string, env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const s = start({ configToml, env: { ...NO_ENV_KEYS, ...env, CODEX_APP_SERVER_LOG_LEVEL: "debug" } });
  await s.initialize("acct_ide", "1.0");
  return s;
}

async function runTurn(s: ServerProcess): Promise<void> {
  const thread = await s.request("thread/start", { cwd: process.cwd() });
  expect(thread.error).toBeUndefined();
  const threadId = (thread.result as { thread: { id: string } }).thread.id;
  const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: "hi" }] });
  expect(turn.error).toBeUndefined();
  await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
}

describe("v2 accounts", () => {
  it("logs in with an API key: auth.json 0600 as the reference writes it, notifications after the reply, the key used for the model", async () => {
    const s = await startServer(openaiAuthToml(model));
    expect((await s.request("account/read", {})).result).toEqual({ account: null, requiresOpenaiAuth: true, userId: null });

    const login = await s.request("account/login/start", { type: "apiKey", apiKey: KEY });
    expect(login.result).toEqual({ type: "apiKey" });
    const file = path.join(s.codexHome, "auth.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ auth_mode: "apikey", OPENAI_API_KEY: KEY });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const updated = await s.waitFor(() => s.notifications("account/updated")[0], 5_000, "account/updated");
    expect(updated.params).toEqual({ authMode: "apikey", planType: null });
    expect(s.notifications("account/login/completed")[0]?.params).toEqual({ loginId: null, success: true, error: null, onboardingEntrypoint: null });
    const replyAt = s.messages.findIndex((m) => m.id === 2);
    expect(s.messages.indexOf(updated)).toBeGreaterThan(replyAt);

    const read = (await s.request("account/read")).result;
    expect(read).toEqual({ account: { type: "apiKey" }, requiresOpenaiAuth: true, userId: null });
    expectReferenceShape("GetAccountResponse", read);
    expectReferenceShape("LoginAccountResponse", login.result);
    expectReferenceShape("AccountUpdatedNotification", updated.params);
    expectReferenceShape("AccountLoginCompletedNotification", s.notifications("account/login/completed")[0]?.params);

    model.enqueue(textTurn("ok"));
    await runTurn(s);
    expect(model.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    // The key reaches neither stdout nor the log.
    expect(s.lines.join("\n")).not.toContain(KEY);
    expect(s.stderr).not.toContain(KEY);
  });

  it("logs out: auth.json is removed, account/updated says so, and the account reads null", async () => {
    const s = await startServer(openaiAuthToml(model));
    writeFileSync(path.join(s.codexHome, "auth.json"), JSON.stringify({ OPENAI_API_KEY: KEY }));
    expect((await s.request("account/read")).result).toMatchObject({ account: { type: "apiKey" } });
    const out = (await s.request("account/logout")).result;
    expect(out).toEqual({});
    expectReferenceShape("LogoutAccountResponse", out);
    expect(existsSync(path.join(s.codexHome, "auth.json"))).toBe(false);
    const updated = await s.waitFor(() => s.notifications("account/updated")[0], 5_000, "account/updated");
    expect(updated.params).toEqual({ authMode: null, planType: null });
    expect((await s.request("account/read")).result).toEqual({ account: null, requiresOpenaiAuth: true, userId: null });
  });

  it("refuses ChatGPT login clearly, names a missing apiKey, and answers login/cancel", async () => {
    const s = await startServer(openaiAuthToml(model));
    for (const params of [{ type: "chatgpt" }, { type: "chatgptDeviceCode" }]) {
      const res = await s.request("account/login/start", params);
      expect(res.error?.code).toBe(-32600);
      expect(res.error?.message).toMatch(/ChatGPT login is not supported by this server/);
    }
    const missing = await s.request("account/login/start", { type: "apiKey" });
    expect(missing.error).toMatchObject({ code: -32602, message: expect.stringContaining("apiKey") });
    const empty = await s.request("account/login/start", { type: "apiKey", apiKey: "" });
    expect(empty.error).toMatchObject({ code: -32602, message: expect.stringContaining("apiKey") });
    expect(existsSync(path.join(s.codexHome, "auth.json"))).toBe(false);

    const bad = await s.request("account/login/cancel", { loginId: "x" });
    expect(bad.error).toMatchObject({ code: -32600, message: "invalid login id: x" });
    const unknown = await s.request("account/login/cancel", { loginId: "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000" });
    expect(unknown.result).toEqual({ status: "notFound" });
    expectReferenceShape("CancelLoginAccountResponse", unknown.result);
    const noId = await s.request("account/login/cancel", {});
    expect(noId.error).toMatchObject({ code: -32602, message: expect.stringContaining("loginId") });
  });

  it("answers a broken auth.json with an error naming the file, never its content, and keeps serving", async () => {
    const s = await startServer(openaiAuthToml(model));
    writeFileSync(path.join(s.codexHome, "auth.json"), `{"OPENAI_API_KEY": "${KEY}" oops`);
    for (const method of ["account/read", "getAuthStatus"]) {
      const res = await s.request(method, {});
      expect(res.error).toMatchObject({ code: -32600, message: expect.stringContaining("auth.json") });
      expect(res.error?.message).not.toContain(KEY);
    }
    // Logging in again replaces it.
    expect((await s.request("account/login/start", { type: "apiKey", apiKey: KEY })).result).toEqual({ type: "apiKey" });
    expect((await s.request("account/read")).result).toMatchObject({ account: { type: "apiKey" } });
  });

  it("reports a provider with its own key as needing no OpenAI account", async () => {
    const s = await startServer(`model_provider = "own"
[model_providers.own]
name = "Own"
base_url = "${model.url}"
env_key = "OWN_KEY"
`);
    await s.request("account/login/start", { type: "apiKey", apiKey: KEY });
    expect((await s.request("account/read")).result).toEqual({ account: null, requiresOpenaiAuth: false, userId: null });
  });

  it("reads rate limits from the last model response's headers, null before any", async () => {
    const s = await startServer(openaiAuthToml(model), { OPENAI_API_KEY: KEY });
    const before = (await s.request("account/rateLimits/read")).result;
    expectReferenceShape("GetAccountRateLimitsResponse", before);
    const unknownPlan = { individualLimit: null, normalModelSlug: null, rateLimitReachedType: null, spendControlReached: null };
    const noAccount = { accountId: null, ordinaryUsageAllowed: null, rateLimitResetCredits: null };
    expect(before).toEqual({
      rateLimits: { limitId: null, limitName: null, primary: null, secondary: null, credits: null, planType: null, ...unknownPlan },
      rateLimitsByLimitId: null,
      ...noAccount,
    });
    model.enqueue(
      sse(textTurn("ok"), {
        headers: {
          "x-codex-primary-used-percent": "42.4",
          "x-codex-primary-window-minutes": "300",
          "x-codex-primary-reset-at": "1796190000",
          "x-codex-secondary-used-percent": "7",
          "x-codex-credits-has-credits": "true",
          "x-codex-credits-unlimited": "false",
          "x-codex-credits-balance": "12.50",
        },
      }),
    );
    await runTurn(s);
    const snapshot = {
      limitId: "codex",
      limitName: null,
      primary: { usedPercent: 42, windowDurationMins: 300, resetsAt: 1796190000 },
      secondary: { usedPercent: 7, windowDurationMins: null, resetsAt: null },
      credits: { hasCredits: true, unlimited: false, balance: "12.50" },
      planType: null,
      ...unknownPlan,
    };
    const after = (await s.request("account/rateLimits/read")).result;
    expect(after).toEqual({ rateLimits: snapshot, rateLimitsByLimitId: { codex: snapshot }, ...noAccount });
    expectReferenceShape("GetAccountRateLimitsResponse", after);
  });
});

describe("v1 accounts", () => {
  it("getAuthStatus, loginApiKey, userInfo, logoutChatGpt with 0.90's shapes", async () => {
    const s = await startServer(openaiAuthToml(model));
    expect((await s.request("getAuthStatus", {})).result).toEqual({ authMethod: null, authToken: null, requiresOpenaiAuth: true });
    expect((await s.request("loginApiKey", { apiKey: KEY })).result).toEqual({});
    expect(JSON.parse(readFileSync(path.join(s.codexHome, "auth.json"), "utf8"))).toMatchObject({ OPENAI_API_KEY: KEY });
    const change = await s.waitFor(() => s.notifications("authStatusChange")[0], 5_000, "authStatusChange");
    expect(change.params).toEqual({ authMethod: "apikey" });
    expect((await s.request("getAuthStatus", {})).result).toEqual({ authMethod: "apikey", authToken: null, requiresOpenaiAuth: true });
    expect((await s.request("getAuthStatus", { includeToken: true })).result).toEqual({ authMethod: "apikey", authToken: KEY, requiresOpenaiAuth: true });
    expect((await s.request("userInfo")).result).toEqual({ allegedUserEmail: null });
    expect((await s.request("logoutChatGpt")).result).toEqual({});
    expect(existsSync(path.join(s.codexHome, "auth.json"))).toBe(false);
    expect((await s.request("getAuthStatus", {})).result).toEqual({ authMethod: null, authToken: null, requiresOpenaiAuth: true });
    expect((await s.request("loginApiKey", {})).error).toMatchObject({ code: -32602, message: expect.stringContaining("apiKey") });
  });
});
