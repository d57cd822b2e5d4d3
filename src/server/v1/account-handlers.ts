// v1 account methods (0.90): getAuthStatus, loginApiKey, logoutChatGpt, userInfo.
import type { GetAuthStatusResult } from "../../protocol/v1/account.js";
import { isChatgpt, loginWithApiKey, logout, readAccountState } from "../accounts.js";
import type { AccountDeps } from "../v2/account-handlers.js";

export async function getAuthStatus(d: AccountDeps, p: { includeToken?: boolean }): Promise<GetAuthStatusResult> {
  const { requiresOpenaiAuth, auth } = await readAccountState(d.config, d.env);
  if (!auth) return { authMethod: null, authToken: null, requiresOpenaiAuth };
  return { authMethod: isChatgpt(auth) ? "chatgpt" : "apikey", authToken: p.includeToken ? auth.token : null, requiresOpenaiAuth };
}

export async function loginApiKey(d: AccountDeps, p: { apiKey: string }): Promise<Record<string, never>> {
  await loginWithApiKey(d.config, p.apiKey);
  setImmediate(() => d.notify("authStatusChange", { authMethod: "apikey" }));
  return {};
}

export async function logoutChatGpt(d: AccountDeps): Promise<Record<string, never>> {
  await logout(d.config);
  setImmediate(() => d.notify("authStatusChange", { authMethod: null }));
  return {};
}

/** The email comes from a ChatGPT id token, which this server never obtains. */
export function userInfo(): { allegedUserEmail: null } {
  return { allegedUserEmail: null };
}
