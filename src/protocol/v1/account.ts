// v1 accounts (codex 0.90's shapes).
import * as s from "../schema.js";

export const AuthMethod = s.enumOf(["apikey", "chatgpt"]);

export const GetAuthStatusParams = s.object({ includeToken: s.optional(s.boolean()), refreshToken: s.optional(s.boolean()) });
export const GetAuthStatusResult = s.object({
  authMethod: s.nullable(AuthMethod),
  authToken: s.nullable(s.string()),
  requiresOpenaiAuth: s.nullable(s.boolean()),
});
export type GetAuthStatusResult = s.Infer<typeof GetAuthStatusResult>;

export const LoginApiKeyParams = s.object({ apiKey: s.string() });
export const UserInfoResult = s.object({ allegedUserEmail: s.nullable(s.string()) });
export const AuthStatusChangeNotification = s.object({ authMethod: s.nullable(AuthMethod) });
