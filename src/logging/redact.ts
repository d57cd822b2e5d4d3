// Secret scrubbing shared by the logger and anything that logs text it did not write.
export const CENSOR = "[REDACTED]";
export const LEVEL_ENV = "CODEX_APP_SERVER_LOG_LEVEL";
export const FILE_ENV = "CODEX_APP_SERVER_LOG_FILE";

const SECRET_TEXT = [/(Bearer\s+)[^\s"',]+/gi, /\bsk-[A-Za-z0-9_-]{8,}/g];

/** Removes bearer tokens and API keys from free text (error messages, bodies). */
export function scrubSecrets(text: string): string {
  return SECRET_TEXT.reduce(
    (acc, re) => acc.replace(re, (_m, lead: unknown) => `${typeof lead === "string" ? lead : ""}${CENSOR}`),
    text,
  );
}
