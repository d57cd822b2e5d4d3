// Which bearer token a model request carries. Precedence: the provider's literal token, then its
// env_key, then (providers that use OpenAI auth) $CODEX_HOME/auth.json and finally the
// OPENAI_API_KEY / CODEX_API_KEY env vars. auth.json is read on every call: it is tiny, and a login
// performed while the server runs must take effect on the next request.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelProviderInfo } from "../config/types.js";
import { ModelError } from "./types.js";

export type AuthSource = "experimental_bearer_token" | "env_key" | "auth_json_tokens" | "auth_json_api_key" | "env";

export interface ResolvedAuth {
  token: string;
  source: AuthSource;
  /** ChatGPT account of auth.json tokens, sent as `chatgpt-account-id`. */
  accountId?: string;
}

export interface AuthContext {
  codexHome: string;
  env: NodeJS.ProcessEnv;
}

export const AUTH_FILE = "auth.json";
const ENV_API_KEYS = ["OPENAI_API_KEY", "CODEX_API_KEY"] as const;

export function authJsonPath(codexHome: string): string {
  return path.join(codexHome, AUTH_FILE);
}

/** Undefined: send no Authorization header. Throws ModelError("auth") for a missing env_key or a broken auth.json. */
export async function resolveAuth(provider: ModelProviderInfo, ctx: AuthContext): Promise<ResolvedAuth | undefined> {
  if (provider.experimentalBearerToken) return { token: provider.experimentalBearerToken, source: "experimental_bearer_token" };
  if (provider.envKey) {
    const value = ctx.env[provider.envKey];
    if (value) return { token: value, source: "env_key" };
    throw new ModelError("auth", missingEnvKeyMessage(provider.envKey, provider.envKeyInstructions));
  }
  if (!provider.requiresOpenaiAuth) return undefined;
  const stored = await readAuthJson(ctx.codexHome);
  if (stored) return stored;
  for (const name of ENV_API_KEYS) {
    const value = ctx.env[name];
    if (value) return { token: value, source: "env" };
  }
  return undefined;
}

function missingEnvKeyMessage(envKey: string, instructions: string | undefined): string {
  const base = `Missing environment variable: \`${envKey}\`.`;
  return instructions ? `${base} ${instructions}` : base;
}

/** What auth.json holds; undefined when there is none. Throws ModelError("auth") when it is broken. */
export async function readAuthJson(codexHome: string): Promise<ResolvedAuth | undefined> {
  const file = authJsonPath(codexHome);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ModelError("auth", `failed to read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // A corrupt credentials file is the user's to fix; silently using another key would hide it.
    throw new ModelError("auth", `failed to parse ${file}: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) return undefined;
  const tokens = parsed.tokens;
  if (isObject(tokens) && nonEmpty(tokens.access_token)) {
    const accountId = nonEmpty(tokens.account_id) ? tokens.account_id : undefined;
    return { token: tokens.access_token, source: "auth_json_tokens", ...(accountId ? { accountId } : {}) };
  }
  if (nonEmpty(parsed.OPENAI_API_KEY)) return { token: parsed.OPENAI_API_KEY, source: "auth_json_api_key" };
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
