// Command-line arguments, as the reference's `codex app-server`: `-c key=value` (repeatable),
// `--enable F` / `--disable F` (= `-c features.F=true|false`), `--listen stdio://`, --help, --version.
// A leading `app-server` word is accepted: clients given a "codex path" pass it.
import { KNOWN_FEATURES } from "./config/known-features.js";
import { parseOverride, type ConfigOverride } from "./config/overrides.js";

export type GenerateTarget = "json-schema" | "ts";

export type CliCommand =
  | { kind: "serve"; overrides: ConfigOverride[] }
  | { kind: "help" }
  | { kind: "version" }
  /** Write the published wire contract into `out` and exit; the server does not start. */
  | { kind: "generate"; target: GenerateTarget; out: string };

const GENERATE_COMMANDS: Readonly<Record<string, GenerateTarget>> = {
  "generate-json-schema": "json-schema",
  "generate-ts": "ts",
};

export class CliError extends Error {}

export const USAGE = `Usage: codex-app-server [app-server] [--listen stdio://] [-c key=value]... [--enable F]... [--disable F]...
       codex-app-server [app-server] generate-json-schema --out <DIR>
       codex-app-server [app-server] generate-ts --out <DIR>

Runs the Codex app-server: newline-delimited JSON-RPC on stdin/stdout.

Commands:
  generate-json-schema -o, --out <DIR>  Write the wire contract as JSON Schema (draft-07) into DIR.
  generate-ts -o, --out <DIR>           Write the wire contract as TypeScript declarations into DIR.

Options:
  -c, --config <key=value>  Override a config.toml value (dotted path; the value is parsed as
                            TOML, else taken as a string). Repeatable.
  --enable <FEATURE>        Enable a feature (repeatable); the same as -c features.<FEATURE>=true.
  --disable <FEATURE>       Disable a feature (repeatable); the same as -c features.<FEATURE>=false.
  --listen <URL>            Transport. Only stdio:// (the default) is served for now; unix:// and
                            ws:// are refused with exit code 2. --stdio is the same as stdio://.
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
      checkListen(flag.value ?? args[++i]);
      continue;
    }
    if (arg === "--stdio") continue;
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
  return { kind: "serve", overrides };
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

/** stdio:// is what the server does; the socket transports are a later issue and refused clearly. */
function checkListen(url: string | undefined): void {
  if (url === undefined || url === "") throw new CliError("--listen needs a URL");
  if (url === "stdio://" || url === "stdio") return;
  if (url === "off" || url.startsWith("unix://") || url.startsWith("ws://")) {
    throw new CliError(`--listen ${url} is not supported yet: this server only serves stdio:// for now (unix:// and ws:// come later)`);
  }
  throw new CliError(`unsupported --listen URL ${JSON.stringify(url)}; expected stdio:// (unix:// and ws:// come later)`);
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
