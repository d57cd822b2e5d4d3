// initialize and getUserAgent. initialize fixes the originator to clientInfo.name (unless the env
// override is set) and appends the client to the User-Agent.
import path from "node:path";
import type { Logger } from "../logging/logger.js";
import { isValidHeaderValue, OriginatorError, setDefaultOriginator } from "../originator.js";
import type { GetUserAgentResult, InitializeParams, InitializeResult } from "../protocol/initialize.js";
import { rpcErrors } from "../rpc/errors.js";
import { recordClientInitialized } from "../telemetry/catalog.js";
import { clientSuffix, setUserAgentSuffix, userAgent } from "../user-agent.js";
import type { ClientSession } from "./client-session.js";

export interface InitializeDeps {
  session: ClientSession;
  log: Logger;
  /** $CODEX_HOME, reported to the client. */
  codexHome: string;
  /** Runs once the reply is on its way (e.g. pending configWarning notifications). */
  afterInitialize(): void;
}

export function handleInitialize(deps: InitializeDeps, params: InitializeParams): InitializeResult {
  const { session } = deps;
  if (session.initialized) throw rpcErrors.alreadyInitialized();
  const { name, version } = params.clientInfo;
  if (name === "" || !isValidHeaderValue(name)) {
    throw rpcErrors.invalidRequest(`Invalid clientInfo.name: '${name}'. Must be a valid HTTP header value.`);
  }
  try {
    setDefaultOriginator(name);
  } catch (error) {
    // Only one client per process sets it; a repeat keeps the first value, as the reference does.
    if (!(error instanceof OriginatorError && error.kind === "AlreadyInitialized")) throw error;
    deps.log.warn("originator was already set; keeping the first value");
  }
  setUserAgentSuffix(name, version);
  session.clientInfo = params.clientInfo;
  session.optOutNotificationMethods = new Set(params.capabilities?.optOutNotificationMethods ?? []);
  session.userAgentSuffix = clientSuffix(name, version);
  const agent = userAgent(process.env, session.userAgentSuffix);
  recordClientInitialized(params.clientInfo, agent);
  // The reply is written once this handler's result settles; go after it.
  setImmediate(deps.afterInitialize);
  return { userAgent: agent, codexHome: path.resolve(deps.codexHome), ...platform() };
}

/** 0.169's names for the platform the server runs on. */
export function platform(os: NodeJS.Platform = process.platform): { platformFamily: string; platformOs: string } {
  const platformOs = os === "darwin" ? "macos" : os === "win32" ? "windows" : os;
  return { platformFamily: os === "win32" ? "windows" : "unix", platformOs };
}

/** Each connection sees its own client in the User-Agent. */
export function handleGetUserAgent(session: ClientSession): GetUserAgentResult {
  return { userAgent: userAgent(process.env, session.userAgentSuffix) };
}
