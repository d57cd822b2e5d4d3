import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveAuth } from "../../src/model/auth.js";
import { ModelError } from "../../src/model/types.js";
import { testProvider } from "../support/provider.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "model-auth-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const provider = testProvider;

const writeAuth = (value: unknown) => writeFileSync(path.join(home, "auth.json"), typeof value === "string" ? value : JSON.stringify(value));

describe("resolveAuth", () => {
  it("prefers the provider's literal bearer token", async () => {
    const auth = await resolveAuth(provider({ experimentalBearerToken: "lit", envKey: "K" }), { codexHome: home, env: { K: "env" } });
    expect(auth).toEqual({ token: "lit", source: "experimental_bearer_token" });
  });

  it("uses env_key, and ignores auth.json and OPENAI_API_KEY for it", async () => {
    writeAuth({ OPENAI_API_KEY: "stored" });
    const auth = await resolveAuth(provider({ envKey: "MY_KEY", requiresOpenaiAuth: true }), { codexHome: home, env: { MY_KEY: "k1", OPENAI_API_KEY: "o" } });
    expect(auth).toEqual({ token: "k1", source: "env_key" });
  });

  it("fails with the env_key instructions when the variable is unset or empty", async () => {
    const p = provider({ envKey: "MY_KEY", envKeyInstructions: "Create a key at example.com." });
    for (const env of [{}, { MY_KEY: "" }]) {
      const error = await resolveAuth(p, { codexHome: home, env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).kind).toBe("auth");
      expect((error as ModelError).message).toBe("Missing environment variable: `MY_KEY`. Create a key at example.com.");
    }
  });

  it("sends nothing for a provider without keys or OpenAI auth", async () => {
    writeAuth({ OPENAI_API_KEY: "stored" });
    expect(await resolveAuth(provider(), { codexHome: home, env: { OPENAI_API_KEY: "o" } })).toBeUndefined();
  });

  describe("requires_openai_auth", () => {
    const p = provider({ requiresOpenaiAuth: true });

    it("uses auth.json's OPENAI_API_KEY before the env vars", async () => {
      writeAuth({ OPENAI_API_KEY: "stored", tokens: null, last_refresh: null });
      expect(await resolveAuth(p, { codexHome: home, env: { OPENAI_API_KEY: "o" } })).toEqual({ token: "stored", source: "auth_json_api_key" });
    });

    it("prefers auth.json tokens (with the account id) over its API key", async () => {
      writeAuth({ OPENAI_API_KEY: "stored", tokens: { id_token: "x", access_token: "at", refresh_token: "r", account_id: "acc" } });
      expect(await resolveAuth(p, { codexHome: home, env: {} })).toEqual({ token: "at", source: "auth_json_tokens", accountId: "acc" });
    });

    it("falls back to OPENAI_API_KEY, then CODEX_API_KEY", async () => {
      expect(await resolveAuth(p, { codexHome: home, env: { OPENAI_API_KEY: "o", CODEX_API_KEY: "c" } })).toEqual({ token: "o", source: "env" });
      expect(await resolveAuth(p, { codexHome: home, env: { CODEX_API_KEY: "c" } })).toEqual({ token: "c", source: "env" });
      writeAuth({ OPENAI_API_KEY: null, tokens: null });
      expect(await resolveAuth(p, { codexHome: home, env: { CODEX_API_KEY: "c" } })).toEqual({ token: "c", source: "env" });
      expect(await resolveAuth(p, { codexHome: home, env: {} })).toBeUndefined();
    });

    it("reads auth.json on every call, so a later login takes effect", async () => {
      expect(await resolveAuth(p, { codexHome: home, env: {} })).toBeUndefined();
      writeAuth({ OPENAI_API_KEY: "new" });
      expect((await resolveAuth(p, { codexHome: home, env: {} }))?.token).toBe("new");
    });

    it("reports a corrupt auth.json instead of silently using another key", async () => {
      writeAuth("{ not json");
      const error = await resolveAuth(p, { codexHome: home, env: { OPENAI_API_KEY: "o" } }).catch((e: unknown) => e);
      expect((error as ModelError).kind).toBe("auth");
      expect((error as ModelError).message).toContain("auth.json");
    });
  });
});
