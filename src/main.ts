// Start-up: claim stdout, read argv and config, start telemetry in the background, serve stdio.
import { protocolOutput } from "./transport/stdout-guard.js";
import { CliError, parseCli, USAGE, type CliCommand } from "./cli.js";
import { loadConfigSource } from "./config/load.js";
import { logger, logsFlushed } from "./logging/logger.js";
import { startAppServer } from "./server/app-server.js";
import { bootTelemetry } from "./telemetry/boot.js";
import { telemetry, withDeadline } from "./telemetry/telemetry.js";
import { Lifecycle } from "./transport/lifecycle.js";
import { APP_VERSION } from "./version.js";

function main(): void {
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
    protocolOutput.write(command.kind === "help" ? USAGE : `codex-app-server ${APP_VERSION}\n`, () => {});
    return;
  }

  const config = loadConfigSource(process.env, command.overrides);
  const log = logger();
  const lifecycle = new Lifecycle({
    onHookError: (name, error) => log.warn({ err: error, hook: name }, "shutdown step failed"),
  });
  lifecycle.installSignalHandlers();
  const server = startAppServer({ input: process.stdin, output: protocolOutput, config, log, lifecycle });
  // Same tick as listen(): boot starts before the first request is read, and never delays it.
  const telemetryReady = bootTelemetry(config.config.otel, config.home, (w) => server.warnings.add(w));
  lifecycle.onShutdown("flush telemetry", async (remaining) => {
    await withDeadline(telemetryReady, remaining);
    await telemetry.shutdown(Math.max(remaining - 100, 0));
  });

  lifecycle.onShutdown("flush logs", () => logsFlushed());

  process.on("uncaughtException", (error) => log.error({ err: error }, "uncaught exception"));
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));
}

main();
