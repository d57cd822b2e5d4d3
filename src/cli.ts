// Command-line arguments: `-c key=value` / `--config key=value` (repeatable), --help, --version.
// A leading `app-server` word is accepted so the reference's `codex app-server ...` lines work.
import { parseOverride, type ConfigOverride } from "./config/overrides.js";

export type CliCommand = { kind: "serve"; overrides: ConfigOverride[] } | { kind: "help" } | { kind: "version" };

export class CliError extends Error {}

export const USAGE = `Usage: codex-app-server [-c key=value]...

Runs the Codex app-server: newline-delimited JSON-RPC on stdin/stdout.

Options:
  -c, --config <key=value>  Override a config.toml value (dotted path; the value is parsed as
                            TOML, else taken as a string). Repeatable.
  -h, --help                Print this help.
  -V, --version             Print the version.

Environment:
  CODEX_HOME                          Config and sessions folder (default ~/.codex)
  CODEX_INTERNAL_ORIGINATOR_OVERRIDE  Originator sent to the model, whatever the client says
  CODEX_APP_SERVER_LOG_LEVEL          pino level for stderr logs (default info)
  CODEX_APP_SERVER_LOG_FILE           Write logs to this file instead of stderr
`;

export function parseCli(argv: readonly string[]): CliCommand {
  const args = argv[0] === "app-server" ? argv.slice(1) : argv;
  const overrides: ConfigOverride[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "-V" || arg === "--version") return { kind: "version" };
    let value: string | undefined;
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
