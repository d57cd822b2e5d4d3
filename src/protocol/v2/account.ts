// v2 accounts (codex 0.169's shapes): who the model requests are made as, logging in with an API
// key, logging out, and the rate limits the last model response reported.
import * as s from "../schema.js";

export const PlanType = s.enumOf([
  "free", "go", "plus", "pro", "prolite", "promax", "team", "self_serve_business_prolite",
  "self_serve_business_usage_based", "business", "ent26", "enterprise_cbp_automation",
  "enterprise_cbp_usage_based", "enterprise", "edu", "edu_plus", "edu_pro", "sci", "sci_plus", "unknown",
]);
export type PlanType = s.Infer<typeof PlanType>;

export const AuthMode = s.enumOf(["apikey", "chatgpt", "chatgptAuthTokens"]);
export type AuthMode = s.Infer<typeof AuthMode>;

export const Account = s.union([
  s.object({ type: s.literal("apiKey") }),
  s.object({ type: s.literal("chatgpt"), email: s.nullable(s.string()), planType: PlanType }),
]);
export type Account = s.Infer<typeof Account>;

// `refreshToken` only matters for ChatGPT tokens, which this server does not manage: any params are accepted.
export const GetAccountParams = s.noParams();
export const GetAccountResponse = s.object({
  account: s.nullable(Account),
  requiresOpenaiAuth: s.boolean(),
  userId: s.nullable(s.string()),
});
export type GetAccountResponse = s.Infer<typeof GetAccountResponse>;

// apiKey first: when a login matches no shape, its missing field is the one named.
export const LoginAccountParams = s.union([
  s.object({ type: s.literal("apiKey"), apiKey: s.string() }),
  s.object({ type: s.literal("chatgpt") }),
  s.object({ type: s.literal("chatgptDeviceCode") }),
  s.object({ type: s.literal("chatgptAuthTokens"), accessToken: s.string(), chatgptAccountId: s.string() }),
]);
export type LoginAccountParams = s.Infer<typeof LoginAccountParams>;
export const LoginAccountResponse = s.object({ type: s.literal("apiKey") });
export type LoginAccountResponse = s.Infer<typeof LoginAccountResponse>;

export const CancelLoginAccountParams = s.object({ loginId: s.string() });
export const CancelLoginAccountResponse = s.object({ status: s.enumOf(["canceled", "notFound"]) });

export const LogoutAccountResponse = s.object({});

export const AccountUpdatedNotification = s.object({ authMode: s.nullable(AuthMode), planType: s.nullable(PlanType) });
export type AccountUpdatedNotification = s.Infer<typeof AccountUpdatedNotification>;

export const AccountLoginCompletedNotification = s.object({
  loginId: s.nullable(s.string()),
  success: s.boolean(),
  error: s.nullable(s.string()),
  onboardingEntrypoint: s.nullable(s.string()),
});

export const RateLimitWindow = s.object({
  usedPercent: s.integer(),
  windowDurationMins: s.nullable(s.integer()),
  resetsAt: s.nullable(s.integer()),
});
export type RateLimitWindow = s.Infer<typeof RateLimitWindow>;

export const CreditsSnapshot = s.object({ hasCredits: s.boolean(), unlimited: s.boolean(), balance: s.nullable(s.string()) });
export type CreditsSnapshot = s.Infer<typeof CreditsSnapshot>;

export const RateLimitSnapshot = s.object({
  limitId: s.nullable(s.string()),
  limitName: s.nullable(s.string()),
  primary: s.nullable(RateLimitWindow),
  secondary: s.nullable(RateLimitWindow),
  credits: s.nullable(CreditsSnapshot),
  planType: s.nullable(PlanType),
});
export type RateLimitSnapshot = s.Infer<typeof RateLimitSnapshot>;

export const GetAccountRateLimitsResponse = s.object({
  rateLimits: RateLimitSnapshot,
  rateLimitsByLimitId: s.nullable(s.record(RateLimitSnapshot)),
});
export type GetAccountRateLimitsResponse = s.Infer<typeof GetAccountRateLimitsResponse>;

/** A response brought new rate-limit headers (0.169: merged by clients into their last read). */
export const AccountRateLimitsUpdatedNotification = s.object({ rateLimits: RateLimitSnapshot });
