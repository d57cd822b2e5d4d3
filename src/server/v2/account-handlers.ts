// v2 account methods: account/read, account/login/start|cancel, account/logout, account/rateLimits/read.
import type { AppConfig } from "../../config/types.js";
import { lastRateLimits } from "../../model/rate-limits.js";
import type { GetAccountRateLimitsResponse, GetAccountResponse, LoginAccountParams, LoginAccountResponse } from "../../protocol/v2/account.js";
import { rpcErrors } from "../../rpc/errors.js";
import { CHATGPT_LOGIN_UNSUPPORTED, isChatgpt, loginWithApiKey, logout, readAccountState } from "../accounts.js";

export interface AccountDeps {
  config: AppConfig;
  env: NodeJS.ProcessEnv;
  notify(method: string, params: unknown): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Notifications a reply causes go out after it (the router writes the reply first). */
function afterReply(work: () => void): void {
  setImmediate(work);
}

export async function accountRead(d: AccountDeps): Promise<GetAccountResponse> {
  const { requiresOpenaiAuth, auth } = await readAccountState(d.config, d.env);
  if (!auth) return { account: null, requiresOpenaiAuth, userId: null };
  const account = isChatgpt(auth) ? { type: "chatgpt" as const, email: null, planType: "unknown" as const } : { type: "apiKey" as const };
  return { account, requiresOpenaiAuth, userId: null };
}

export async function accountLoginStart(d: AccountDeps, p: LoginAccountParams): Promise<LoginAccountResponse> {
  if (p.type !== "apiKey") throw rpcErrors.invalidRequest(CHATGPT_LOGIN_UNSUPPORTED);
  await loginWithApiKey(d.config, p.apiKey);
  afterReply(() => {
    d.notify("account/login/completed", { loginId: null, success: true, error: null, onboardingEntrypoint: null });
    d.notify("account/updated", { authMode: "apikey", planType: null });
  });
  return { type: "apiKey" };
}

/** No login here is ever pending (API key logins finish in their request). */
export function accountLoginCancel(p: { loginId: string }): { status: "notFound" } {
  if (!UUID.test(p.loginId)) throw rpcErrors.invalidRequest(`invalid login id: ${p.loginId}`);
  return { status: "notFound" };
}

export async function accountLogout(d: AccountDeps): Promise<Record<string, never>> {
  await logout(d.config);
  afterReply(() => d.notify("account/updated", { authMode: null, planType: null }));
  return {};
}

export function accountRateLimitsRead(): GetAccountRateLimitsResponse {
  const rateLimits = lastRateLimits();
  return {
    rateLimits,
    rateLimitsByLimitId: rateLimits.limitId ? { [rateLimits.limitId]: rateLimits } : null,
    accountId: null,
    ordinaryUsageAllowed: null,
    rateLimitResetCredits: null,
  };
}
