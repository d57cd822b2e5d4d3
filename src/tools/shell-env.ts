// The environment commands run with, from config.toml's [shell_environment_policy]. By default
// everything is inherited except variables whose names look like credentials, and variables
// holding a credential the config uses (env_key, env_http_headers…, whatever their names), so an
// API key in the server's environment does not reach a command the model chose.
import { isRegisteredSecret } from "../logging/redact.js";

export interface ShellEnvironmentPolicy {
  inherit: "all" | "core" | "none";
  ignoreDefaultExcludes: boolean;
  /** Name globs (`*`, `?`; case-insensitive) removed after inheritance. */
  exclude: string[];
  /** Variables set (or overridden) after the excludes. */
  set: Record<string, string>;
  /** When non-empty, only names matching one of these globs survive (applied last). */
  includeOnly: string[];
}

/** The policy when config.toml has no [shell_environment_policy] (frozen; copy before changing). */
export const DEFAULT_SHELL_ENVIRONMENT_POLICY: ShellEnvironmentPolicy = Object.freeze({
  inherit: "all",
  ignoreDefaultExcludes: false,
  exclude: Object.freeze([]) as unknown as string[],
  set: Object.freeze({}) as Record<string, string>,
  includeOnly: Object.freeze([]) as unknown as string[],
});

// What `inherit = "core"` keeps: enough for programs to find themselves, the user and a temp dir.
const CORE_VARIABLES = new Set(["HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP"]);
const DEFAULT_EXCLUDES = ["*KEY*", "*SECRET*", "*TOKEN*"];

/**
 * Reads the [shell_environment_policy] table (snake_case keys). Absent keys take defaults;
 * unknown keys are ignored, as the reference does; a known key of the wrong type throws an
 * Error naming it.
 */
export function parseShellEnvironmentPolicy(table: unknown): ShellEnvironmentPolicy {
  const policy: ShellEnvironmentPolicy = { inherit: "all", ignoreDefaultExcludes: false, exclude: [], set: {}, includeOnly: [] };
  if (table === undefined || table === null) return policy;
  if (!isRecord(table)) throw new Error("shell_environment_policy: expected a table");
  const bad = (key: string, expected: string): Error => new Error(`shell_environment_policy.${key}: expected ${expected}`);

  const inherit = table.inherit;
  if (inherit !== undefined) {
    if (inherit !== "all" && inherit !== "core" && inherit !== "none") throw bad("inherit", '"all", "core" or "none"');
    policy.inherit = inherit;
  }
  const ignore = table.ignore_default_excludes;
  if (ignore !== undefined) {
    if (typeof ignore !== "boolean") throw bad("ignore_default_excludes", "a boolean");
    policy.ignoreDefaultExcludes = ignore;
  }
  for (const [key, target] of [
    ["exclude", "exclude"],
    ["include_only", "includeOnly"],
  ] as const) {
    const value = table[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw bad(key, "an array of strings");
    policy[target] = [...(value as string[])];
  }
  const set = table.set;
  if (set !== undefined) {
    if (!isRecord(set)) throw bad("set", "a table of strings");
    for (const [name, value] of Object.entries(set)) {
      if (typeof value !== "string") throw bad(`set.${name}`, "a string");
      policy.set[name] = value;
    }
  }
  const useProfile = table.experimental_use_profile;
  if (useProfile !== undefined && typeof useProfile !== "boolean") throw bad("experimental_use_profile", "a boolean");
  return policy;
}

/**
 * The environment for a command: inherit -> default excludes (*KEY*, *SECRET*, *TOKEN*, and
 * variables holding a registered secret) -> exclude -> set -> include_only. Name matching is case-insensitive throughout.
 */
export function buildShellEnv(policy: ShellEnvironmentPolicy, base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  if (policy.inherit !== "none") {
    for (const [name, value] of Object.entries(base)) {
      if (value === undefined) continue;
      if (policy.inherit === "core" && !CORE_VARIABLES.has(name)) continue;
      env[name] = value;
    }
  }
  const drop = (patterns: string[], keep: boolean) => {
    if (patterns.length === 0) return;
    const matchers = patterns.map(globToRegExp);
    for (const name of Object.keys(env)) {
      if (matchers.some((m) => m.test(name)) !== keep) delete env[name];
    }
  };
  if (!policy.ignoreDefaultExcludes) {
    drop(DEFAULT_EXCLUDES, false);
    for (const [name, value] of Object.entries(env)) if (isRegisteredSecret(value)) delete env[name];
  }
  drop(policy.exclude, false);
  for (const [name, value] of Object.entries(policy.set)) env[name] = value;
  drop(policy.includeOnly, true);
  return env;
}

// `*` any run of characters, `?` one character; everything else literal.
function globToRegExp(glob: string): RegExp {
  const body = Array.from(glob, (ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "is");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
