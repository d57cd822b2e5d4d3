// Secret scrubbing shared by the logger and by every error message a client sees: one registry of
// the secret values config and auth hold (fed as they are loaded), plus URL cleaning (no userinfo,
// no query string) and the usual bearer / API key shapes.
export const CENSOR = "[REDACTED]";
export const LEVEL_ENV = "CODEX_APP_SERVER_LOG_LEVEL";
export const FILE_ENV = "CODEX_APP_SERVER_LOG_FILE";

const SECRET_TEXT = [/(Bearer\s+)[^\s"',]+/gi, /\bsk-[A-Za-z0-9_-]{8,}/g];
/** URLs in free text: scheme://… up to whitespace or a closing delimiter. */
const URL_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]{}]+/gi;
/** Shorter values (header flags like "enabled") would blank out ordinary words all over the logs. */
const MIN_SECRET_LENGTH = 8;

// Longest first, so a secret that contains another is removed whole. Kept on globalThis: the logger
// (dist/pino-logger.cjs) is a bundle of its own with its own copy of this module, and must see the
// secrets main.cjs registers.
const REGISTRY = Symbol.for("codex-app-server.redact.secrets");
const store = ((globalThis as { [REGISTRY]?: { list: string[] } })[REGISTRY] ??= { list: [] });

/** Adds a configured secret (and its URL-encoded form, as it appears in a query string). */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  const forms = new Set([value, encodeURIComponent(value)]);
  const added = [...forms].filter((f) => !store.list.includes(f));
  if (added.length === 0) return;
  store.list = [...store.list, ...added].sort((a, b) => b.length - a.length);
}

/** `text` with registered secrets replaced, and nothing else changed (URLs keep their query). */
export function redactRegistered(text: string): string {
  let out = text;
  for (const secret of store.list) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  return out;
}

/**
 * Whether JSON text (e.g. a serialized rollout line) holds a registered secret inside a string, as
 * JSON writes it (escaped): one scan of the text, where a replacer costs a call per value.
 */
export function jsonHoldsRegistered(json: string): boolean {
  for (const secret of store.list) if (json.includes(JSON.stringify(secret).slice(1, -1))) return true;
  return false;
}

/** Whether `value` is (whole) a registered secret: a variable holding one is not passed on. */
export function isRegisteredSecret(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && store.list.includes(value);
}

/** `url` without credentials, query string or fragment: what may be shown of it. */
export function displayUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : new URL(url.href);
  } catch {
    return stripUrlText(String(url));
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.href;
}

/** For strings that do not parse as URLs: drop `user:pass@` and everything from `?` or `#`. */
function stripUrlText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1").replace(/[?#].*$/, "");
}

/** Removes registered secrets, URL credentials and query strings, bearer tokens and API keys from free text. */
export function scrubSecrets(text: string): string {
  let out = text.replace(URL_TEXT, (url) => displayUrl(url));
  for (const secret of store.list) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  return SECRET_TEXT.reduce(
    (acc, re) => acc.replace(re, (_m, lead: unknown) => `${typeof lead === "string" ? lead : ""}${CENSOR}`),
    out,
  );
}

/** A copy of a log object with every string in it scrubbed (depth-limited: log objects are small). */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Error) {
    const copy: Record<string, unknown> = { type: value.name, message: scrubSecrets(value.message) };
    if (value.stack) copy.stack = scrubSecrets(value.stack);
    const code = (value as NodeJS.ErrnoException).code;
    if (code !== undefined) copy.code = code;
    return copy;
  }
  if (Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth + 1)]));
}
