// The pino logger behind logger.ts: stderr (or CODEX_APP_SERVER_LOG_FILE), never stdout, with
// secrets redacted. Loaded in its own chunk the first time something is logged.
import pino from "pino";
import { CENSOR, FILE_ENV, scrubSecrets, scrubValue } from "./redact.js";

// Key paths whose values are secrets wherever they appear in a log object.
const REDACT_PATHS = [
  "apiKey",
  "api_key",
  "authorization",
  "Authorization",
  "headers",
  "*.apiKey",
  "*.api_key",
  "*.authorization",
  "*.Authorization",
  "*.headers",
  "*.OPENAI_API_KEY",
  "*.*.headers",
];

export function createPinoLogger(env: NodeJS.ProcessEnv, level: string): pino.Logger {
  const file = env[FILE_ENV];
  // A log file is created 0600: error texts and MCP servers' stderr are the user's business.
  const destination = pino.destination({ dest: file ? file : 2, sync: true, mkdir: Boolean(file), mode: 0o600 });
  return pino(
    {
      name: "codex-app-server",
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      // Error messages carry URLs and bodies: every string in the object is scrubbed, not just msg.
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === "string" ? scrubSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
