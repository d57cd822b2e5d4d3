// The originator names the real client to the model backend (the `originator` header and the head
// of the User-Agent). The env override always wins; otherwise the default holds until
// setDefaultOriginator succeeds once. Reading never fixes the value: telemetry reads it at boot,
// long before `initialize` sets it.

export const DEFAULT_ORIGINATOR = "codex_cli_rs";
export const ORIGINATOR_OVERRIDE_ENV = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

export type SetOriginatorError = "InvalidHeaderValue" | "AlreadyInitialized";

export class OriginatorError extends Error {
  constructor(readonly kind: SetOriginatorError) {
    super(kind);
  }
}

// What Node's HTTP client accepts in a header value: tab, visible ASCII, space, and Latin-1.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isValidHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

let setValue: string | undefined;

export function originator(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[ORIGINATOR_OVERRIDE_ENV];
  if (override !== undefined && override !== "" && isValidHeaderValue(override)) return override;
  return setValue ?? DEFAULT_ORIGINATOR;
}

/** Who started a thread: its model requests name this client, not the process's first one. */
export interface ClientOrigin {
  /** clientInfo.name of the connection that started (or loaded) the thread. */
  originator: string;
  /** "<name>; <version>" for the User-Agent. */
  userAgentSuffix: string | undefined;
}

/** A thread's originator: the env override still wins; a thread without a client has the process's. */
export function threadOriginator(origin: ClientOrigin | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[ORIGINATOR_OVERRIDE_ENV];
  if (override !== undefined && override !== "" && isValidHeaderValue(override)) return override;
  return origin?.originator ?? originator(env);
}

/** Throws OriginatorError("InvalidHeaderValue" | "AlreadyInitialized"). */
export function setDefaultOriginator(value: string): void {
  if (value === "" || !isValidHeaderValue(value)) throw new OriginatorError("InvalidHeaderValue");
  if (setValue !== undefined) throw new OriginatorError("AlreadyInitialized");
  setValue = value;
}

/** Tests only: forget the value set by setDefaultOriginator. */
export function resetOriginatorForTests(): void {
  setValue = undefined;
}
