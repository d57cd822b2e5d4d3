// The login both protocol faces report and change: what auth.json (or the environment) holds for
// the configured provider. ChatGPT sign-in needs OpenAI's cloud and is not offered here.
import type { AppConfig } from "../config/types.js";
import { readAuthJson, type ResolvedAuth } from "../model/auth.js";
import { removeStoredAuth, saveApiKey } from "../model/auth-store.js";
import { rpcErrors } from "../rpc/errors.js";

export const CHATGPT_LOGIN_UNSUPPORTED =
  'ChatGPT login is not supported by this server; log in with an API key: account/login/start { "type": "apiKey", "apiKey": … }';

const ENV_API_KEYS = ["OPENAI_API_KEY", "CODEX_API_KEY"] as const;

export interface AccountState {
  requiresOpenaiAuth: boolean;
  /** Undefined: not logged in, or the provider does not use OpenAI auth. */
  auth?: ResolvedAuth;
}

export async function readAccountState(config: AppConfig, env: NodeJS.ProcessEnv): Promise<AccountState> {
  const requiresOpenaiAuth = config.modelProvider.requiresOpenaiAuth;
  // A provider with its own key (env_key, bearer token) has no OpenAI account to report.
  if (!requiresOpenaiAuth) return { requiresOpenaiAuth };
  let stored: ResolvedAuth | undefined;
  try {
    stored = await readAuthJson(config.codexHome);
  } catch {
    // The parser's message may quote the file, key included: name the file only.
    throw rpcErrors.invalidRequest(`${config.codexHome}/auth.json cannot be read; fix it or log in again`);
  }
  if (stored) return { requiresOpenaiAuth, auth: stored };
  for (const name of ENV_API_KEYS) {
    const value = env[name];
    if (value) return { requiresOpenaiAuth, auth: { token: value, source: "env" } };
  }
  return { requiresOpenaiAuth };
}

export function isChatgpt(auth: ResolvedAuth | undefined): boolean {
  return auth?.source === "auth_json_tokens";
}

export async function loginWithApiKey(config: AppConfig, apiKey: string): Promise<void> {
  if (apiKey.trim() === "") throw rpcErrors.invalidParams("apiKey", "must not be empty");
  await saveApiKey(config.codexHome, apiKey);
}

export async function logout(config: AppConfig): Promise<void> {
  await removeStoredAuth(config.codexHome);
}
