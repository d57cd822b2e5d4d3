// Command-line arguments, as the reference's `codex app-server`: `-c key=value` (repeatable),
// `--enable F` / `--disable F` (= `-c features.F=true|false`), `--listen stdio://`, --help, --version.
// A leading `app-server` word is accepted: clients given a "codex path" pass it.
import { KNOWN_FEATURES } from "./config/known-features.js";
import { parseOverride, type ConfigOverride } from "./config/overrides.js";
import { ListenUrlError, parseListenUrl, type ListenTarget } from "./transport/listen-url.js";

export type GenerateTarget = "json-schema" | "ts";

/** The WebSocket authentication flags, as the reference's `app-server`, plus --no-token-check. */
export interface WsAuthFlags {
  mode?: "capability-token" | "signed-bearer-token";
  tokenFile?: string;
  tokenSha256?: string;
  sharedSecretFile?: string;
  issuer?: string;
  audience?: string;
  maxClockSkewSeconds?: number;
  /** A loopback listener without --ws-auth takes anyone on the machine (the reference's default). */
  noTokenCheck?: boolean;
}

export type CliCommand =
  | { kind: "serve"; overrides: ConfigOverride[]; listen: ListenTarget[]; wsAuth: WsAuthFlags }
  | { kind: "help" }
  | { kind: "version" }
  /** Write the published wire contract into `out` and exit; the server does not start. */
  | { kind: "generate"; target: GenerateTarget; out: string };

const GENERATE_COMMANDS: Readonly<Record<string, GenerateTarget>> = {
  "generate-json-schema": "json-schema",
  "generate-ts": "ts",
};

export class CliError extends Error {}

export const USAGE = `Usage: codex-app-server [app-server] [--listen URL]... [--ws-auth MODE ...] [-c key=value]... [--enable F]... [--disable F]...
       codex-app-server [app-server] generate-json-schema --out <DIR>
       codex-app-server [app-server] generate-ts --out <DIR>

Runs the Codex app-server: JSON-RPC on stdin/stdout (newline-delimited, or LSP Content-Length
framing when the client starts with it), a Unix socket or WebSocket connections.

Commands:
  generate-json-schema -o, --out <DIR>  Write the wire contract as JSON Schema (draft-07) into DIR.
  generate-ts -o, --out <DIR>           Write the wire contract as TypeScript declarations into DIR.

Options:
  -c, --config <key=value>  Override a config.toml value (dotted path; the value is parsed as
                            TOML, else taken as a string). Repeatable.
  --enable <FEATURE>        Enable a feature (repeatable); the same as -c features.<FEATURE>=true.
  --disable <FEATURE>       Disable a feature (repeatable); the same as -c features.<FEATURE>=false.
  --listen <URL>            Where clients connect (repeatable): stdio:// (the default), unix://PATH
                            (unix:// alone: $CODEX_HOME/app-server.sock), ws://IP:PORT (port 0
                            picks one; the address goes to stderr), off. --stdio = stdio://.
  --ws-auth <MODE>          WebSocket authentication: capability-token or signed-bearer-token.
  --ws-token-file <PATH>    capability-token: absolute path of the file holding the token.
  --ws-token-sha256 <HEX>   capability-token: hex SHA-256 digest of the token instead.
  --ws-shared-secret-file <PATH>     signed-bearer-token: HS256 secret file (32 bytes or more).
  --ws-issuer <ISSUER>      signed-bearer-token: required \`iss\`.
  --ws-audience <AUDIENCE>  signed-bearer-token: required \`aud\`.
  --ws-max-clock-skew-seconds <N>    signed-bearer-token: leeway for exp/nbf (default 30).
  --no-token-check          A loopback ws:// listener without --ws-auth takes any local client
                            (otherwise it generates a token, see README).
  -h, --help                Print this help.
  -V, --version             Print this server's version and the Codex protocol version it implements.

Environment:
  CODEX_HOME                          Config and sessions folder (default ~/.codex)
  CODEX_INTERNAL_ORIGINATOR_OVERRIDE  Originator sent to the model, whatever the client says
  CODEX_APP_SERVER_LOG_LEVEL          pino level for stderr logs (default info)
  CODEX_APP_SERVER_LOG_FILE           Write logs to this file instead of stderr
`;

export function parseCli(argv: readonly string[]): CliCommand {
  const args = argv[0] === "app-server" ? argv.slice(1) : argv;
  const target = args[0] === undefined ? undefined : GENERATE_COMMANDS[args[0]];
  if (target !== undefined) return parseGenerate(args[0]!, target, args.slice(1));
  const overrides: ConfigOverride[] = [];
  const listen: ListenTarget[] = [];
  const wsAuth: WsAuthFlags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "-V" || arg === "--version") return { kind: "version" };
    let value: string | undefined;
    const flag = splitLongFlag(arg);
    if (flag.name === "--enable" || flag.name === "--disable") {
      const feature = flag.value ?? args[++i];
      overrides.push(featureOverride(flag.name, feature, flag.name === "--enable"));
      continue;
    }
    if (flag.name === "--listen") {
      listen.push(listenTarget(flag.value ?? args[++i]));
      continue;
    }
    if (arg === "--stdio") {
      listen.push({ kind: "stdio" });
      continue;
    }
    if (arg === "--no-token-check") {
      wsAuth.noTokenCheck = true;
      continue;
    }
    if (flag.name in WS_AUTH_FLAGS) {
      const given = flag.value ?? args[++i];
      if (given === undefined || given === "") throw new CliError(`${flag.name} needs a value`);
      WS_AUTH_FLAGS[flag.name]!(wsAuth, given);
      continue;
    }
    if (arg === "-c" || arg === "--config") {
      value = args[++i];
      if (value === undefined) throw new CliError(`${arg} needs a key=value argument`);
    } else if (arg.startsWith("--config=")) {
      value = arg.slice("--config=".length);
    } else if (arg.startsWith("-c") && arg.length > 2) {
      value = arg.slice(2);
    } else {
      throw new CliError(`unexpected argument '${arg}'`);
    }
    try {
      overrides.push(parseOverride(value));
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  checkWsAuth(listen, wsAuth);
  return { kind: "serve", overrides, listen: listen.length > 0 ? listen : [{ kind: "stdio" }], wsAuth };
}

const WS_AUTH_FLAGS: Record<string, (auth: WsAuthFlags, value: string) => void> = {
  "--ws-auth": (auth, value) => {
    if (value !== "capability-token" && value !== "signed-bearer-token") {
      throw new CliError(`invalid value '${value}' for --ws-auth; possible values: capability-token, signed-bearer-token`);
    }
    auth.mode = value;
  },
  "--ws-token-file": (auth, value) => void (auth.tokenFile = absolute("--ws-token-file", value)),
  "--ws-token-sha256": (auth, value) => {
    if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new CliError("--ws-token-sha256 needs 64 hex digits (a SHA-256 digest)");
    auth.tokenSha256 = value.toLowerCase();
  },
  "--ws-shared-secret-file": (auth, value) => void (auth.sharedSecretFile = absolute("--ws-shared-secret-file", value)),
  "--ws-issuer": (auth, value) => void (auth.issuer = value),
  "--ws-audience": (auth, value) => void (auth.audience = value),
  "--ws-max-clock-skew-seconds": (auth, value) => {
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 0) throw new CliError("--ws-max-clock-skew-seconds needs a whole number of seconds");
    auth.maxClockSkewSeconds = seconds;
  },
};

function absolute(flag: string, value: string): string {
  if (!value.startsWith("/")) throw new CliError(`${flag} must be an absolute path`);
  return value;
}

/** The flags of one mode only, and each mode's required ones. */
function checkWsAuth(listen: readonly ListenTarget[], auth: WsAuthFlags): void {
  const capability = auth.tokenFile !== undefined || auth.tokenSha256 !== undefined;
  const signed = auth.sharedSecretFile !== undefined || auth.issuer !== undefined || auth.audience !== undefined || auth.maxClockSkewSeconds !== undefined;
  if (auth.mode === undefined && (capability || signed)) throw new CliError("--ws-token-*/--ws-shared-secret-file/--ws-issuer/--ws-audience need --ws-auth");
  if (auth.mode === "capability-token") {
    if (signed) throw new CliError("--ws-auth capability-token takes --ws-token-file or --ws-token-sha256 only");
    if ((auth.tokenFile === undefined) === (auth.tokenSha256 === undefined)) {
      throw new CliError("--ws-auth capability-token needs exactly one of --ws-token-file and --ws-token-sha256");
    }
  }
  if (auth.mode === "signed-bearer-token") {
    if (capability) throw new CliError("--ws-auth signed-bearer-token does not take --ws-token-file or --ws-token-sha256");
    if (auth.sharedSecretFile === undefined) throw new CliError("--ws-auth signed-bearer-token needs --ws-shared-secret-file");
  }
  if (auth.mode !== undefined && auth.noTokenCheck) throw new CliError("--no-token-check and --ws-auth exclude each other");
  if (auth.mode !== undefined && !listen.some((l) => l.kind === "ws")) throw new CliError("--ws-auth needs a ws:// listener");
}

/** `--name=value` → { name, value }; other arguments come back whole. */
function splitLongFlag(arg: string): { name: string; value?: string } {
  const eq = arg.indexOf("=");
  return arg.startsWith("--") && eq > 0 ? { name: arg.slice(0, eq), value: arg.slice(eq + 1) } : { name: arg };
}

function featureOverride(flag: string, feature: string | undefined, enabled: boolean): ConfigOverride {
  if (feature === undefined || feature === "") throw new CliError(`${flag} needs a feature name`);
  if (!KNOWN_FEATURES.has(feature)) throw new CliError(`unknown feature flag ${JSON.stringify(feature)} for ${flag}`);
  return { path: ["features", feature], value: enabled };
}

function listenTarget(url: string | undefined): ListenTarget {
  if (url === undefined || url === "") throw new CliError("--listen needs a URL");
  try {
    return parseListenUrl(url);
  } catch (error) {
    if (error instanceof ListenUrlError) throw new CliError(error.message);
    throw error;
  }
}

/** `generate-json-schema|generate-ts --out DIR`; `-c`, `--enable`, `--disable` are accepted, as the reference does, and unused. */
function parseGenerate(name: string, target: GenerateTarget, args: readonly string[]): CliCommand {
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    const flag = splitLongFlag(arg);
    if (flag.name === "--enable" || flag.name === "--disable") {
      featureOverride(flag.name, flag.value ?? args[++i], true);
      continue;
    }
    if (arg === "-o" || arg === "--out" || arg === "-c" || arg === "--config") {
      const value = args[++i];
      if (value === undefined || value === "") throw new CliError(`${arg} needs a value`);
      if (arg === "-o" || arg === "--out") out = value;
    } else if (arg.startsWith("--out=") && arg.length > "--out=".length) {
      out = arg.slice("--out=".length);
    } else if (!arg.startsWith("--config=") && !(arg.startsWith("-c") && arg.length > 2)) {
      throw new CliError(`unexpected argument '${arg}' for ${name}`);
    }
  }
  if (out === undefined) throw new CliError(`${name} needs --out <DIR>`);
  return { kind: "generate", target, out };
}
