// Diagnostics go to stderr (or CODEX_APP_SERVER_LOG_FILE), never stdout, with secrets redacted.
// The pino instance is made on first use so a quiet start-up pays nothing for it.
import pino from "pino";

export type Logger = pino.Logger;

const LEVEL_ENV = "CODEX_APP_SERVER_LOG_LEVEL";
const FILE_ENV = "CODEX_APP_SERVER_LOG_FILE";
const CENSOR = "[REDACTED]";

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

const SECRET_TEXT = [/(Bearer\s+)[^\s"',]+/gi, /\bsk-[A-Za-z0-9_-]{8,}/g];

/** Removes bearer tokens and API keys from free text (error messages, bodies). */
export function scrubSecrets(text: string): string {
  return SECRET_TEXT.reduce((acc, re) => acc.replace(re, (_m, lead: unknown) => `${typeof lead === "string" ? lead : ""}${CENSOR}`), text);
}

let instance: Logger | undefined;

function create(env: NodeJS.ProcessEnv): Logger {
  const file = env[FILE_ENV];
  const destination = pino.destination({ dest: file ? file : 2, sync: true, mkdir: Boolean(file) });
  return pino(
    {
      name: "codex-app-server",
      level: env[LEVEL_ENV] ?? "info",
      redact: { paths: REDACT_PATHS, censor: CENSOR },
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

export function logger(): Logger {
  instance ??= create(process.env);
  return instance;
}
