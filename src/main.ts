// Start-up: claim stdout, read argv and config, start telemetry, then load and start the server.
import { protocolOutput } from "./transport/stdout-guard.js";
import { CliError, parseCli, USAGE, type CliCommand } from "./cli.js";
import { loadConfigSource } from "./config/load.js";
import { logger, logsFlushed } from "./logging/logger.js";
import type { ConfigWarningNotification } from "./protocol/config.js";
import { bootTelemetry } from "./telemetry/boot.js";
import { telemetry } from "./telemetry/telemetry.js";
import { Lifecycle } from "./transport/lifecycle.js";
import { APP_VERSION, CODEX_PROTOCOL_VERSION } from "./version.js";

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`codex-app-server: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === "help" || command.kind === "version") {
    protocolOutput.write(command.kind === "help" ? USAGE : `codex-app-server ${APP_VERSION} (Codex protocol ${CODEX_PROTOCOL_VERSION})\n`, () => {});
    return;
  }
  if (command.kind === "generate") {
    await generate(command.target, command.out);
    return;
  }

  const config = loadConfigSource(process.env, command.overrides);
  const log = logger();
  const lifecycle = new Lifecycle({
    onHookError: (name, error) => log.warn({ err: error, hook: name }, "shutdown step failed"),
  });
  lifecycle.installSignalHandlers();
  // After a throw nobody caught, state may be half-updated: log it, shut down as usual, exit 1
  // (Node's own default for both, minus the skipped flush).
  const crash = (what: string) => (error: unknown) => {
    log.error({ err: error }, what);
    void lifecycle.shutdown(what, 1);
  };
  process.on("uncaughtException", crash("uncaught exception"));
  process.on("unhandledRejection", crash("unhandled rejection"));

  // Telemetry first: its worker thread boots on the other core while the server modules load.
  // Warnings it raises before the server exists wait here.
  const early: ConfigWarningNotification[] = [];
  let warn: (warning: ConfigWarningNotification) => void = (warning) => early.push(warning);
  bootTelemetry(config.config.otel, config.home, (warning) => warn(warning));

  const { startAppServer } = await import("./server/app-server.js");
  const serveStdio = command.listen.some((l) => l.kind === "stdio");
  const server = startAppServer({ config, log, lifecycle, ...(serveStdio ? { stdio: { input: process.stdin, output: protocolOutput } } : {}) });
  warn = (warning) => server.core.addWarning(warning);
  for (const warning of early) warn(warning);
  if (command.listen.some((l) => l.kind === "unix" || l.kind === "ws")) {
    const { listenLimits, startListeners } = await import("./server/listeners.js");
    try {
      await startListeners(server.core, command.listen, command.wsAuth, listenLimits(process.env));
    } catch (error) {
      process.stderr.write(`codex-app-server: ${(error as Error).message}\n`);
      void lifecycle.shutdown("listener failed", 1);
      return;
    }
  }

  lifecycle.onShutdown("flush telemetry", (remaining) => telemetry.shutdown(Math.max(remaining - 100, 0)));
  lifecycle.onShutdown("flush logs", () => logsFlushed());
}

/** Writes the published contract; the generators load only for this command. */
async function generate(target: "json-schema" | "ts", out: string): Promise<void> {
  try {
    const count =
      target === "ts"
        ? (await import("./protocol/publish/typescript.js")).writeTypeScript(out)
        : (await import("./protocol/publish/json-schema.js")).writeJsonSchema(out);
    const what = target === "ts" ? "TypeScript" : "JSON Schema";
    protocolOutput.write(`Wrote ${count} ${what} files to ${out}\n`, () => {});
  } catch (error) {
    process.stderr.write(`codex-app-server: generate-${target}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

void main();
