// The handshake: initialize / initialized and getUserAgent.
import * as s from "./schema.js";

export const ClientInfo = s.object({
  name: s.string(),
  title: s.optional(s.nullable(s.string())),
  version: s.string(),
});
export type ClientInfo = s.Infer<typeof ClientInfo>;

export const InitializeParams = s.object({ clientInfo: ClientInfo });
export type InitializeParams = s.Infer<typeof InitializeParams>;

export const InitializeResult = s.object({ userAgent: s.string() });
export type InitializeResult = s.Infer<typeof InitializeResult>;

export const GetUserAgentParams = s.noParams();
export const GetUserAgentResult = s.object({ userAgent: s.string() });
export type GetUserAgentResult = s.Infer<typeof GetUserAgentResult>;
