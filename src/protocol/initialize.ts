// The handshake: initialize / initialized and getUserAgent.
import * as s from "./schema.js";

export const ClientInfo = s.object({
  name: s.string(),
  title: s.optional(s.nullable(s.string())),
  version: s.string(),
});
export type ClientInfo = s.Infer<typeof ClientInfo>;

/** What the client declares it can take (0.169's InitializeCapabilities; others are accepted and ignored). */
export const InitializeCapabilities = s.object({
  /** Opts into experimental methods and fields; accepted, nothing here is gated on it yet. */
  experimentalApi: s.optional(s.boolean()),
  /** Notification methods (exact names) this connection is not sent. */
  optOutNotificationMethods: s.optional(s.nullable(s.array(s.string()))),
});
export type InitializeCapabilities = s.Infer<typeof InitializeCapabilities>;

export const InitializeParams = s.object({ clientInfo: ClientInfo, capabilities: s.optional(s.nullable(InitializeCapabilities)) });
export type InitializeParams = s.Infer<typeof InitializeParams>;

export const InitializeResult = s.object({
  userAgent: s.string(),
  /** The server's $CODEX_HOME (absolute). */
  codexHome: s.string(),
  /** "unix" or "windows". */
  platformFamily: s.string(),
  /** "linux", "macos" or "windows" (else Node's platform name). */
  platformOs: s.string(),
});
export type InitializeResult = s.Infer<typeof InitializeResult>;

export const GetUserAgentParams = s.noParams();
export const GetUserAgentResult = s.object({ userAgent: s.string() });
export type GetUserAgentResult = s.Infer<typeof GetUserAgentResult>;
