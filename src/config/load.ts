// Loads config.toml once at start-up and derives the typed config from it. A broken file never
// stops the server: it yields defaults, a configWarning, and an error for methods that need config.
import { existsSync, readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { ConfigWarningNotification } from "../protocol/config.js";
import type { ModelOverrides } from "../model/model-family.js";
import { SchemaIssue } from "../protocol/schema.js";
import { untrustedReasonSync, userTrust } from "../sandbox/trusted-path.js";
import { ConfigToml } from "./config-toml.js";
import { resolveMcpServers } from "./mcp-servers.js";
import { resolveOtel } from "./otel.js";
import { applyOverrides, type ConfigOverride } from "./overrides.js";
import { configFilePath, codexHome } from "./paths.js";
import { mergeProviders } from "./providers.js";
import { registerMcpSecrets, registerProviderSecrets } from "./secrets.js";
import { locateKey, type TextPosition } from "./toml-location.js";
import type { TomlTable } from "./toml-table.js";
import type { AppConfig } from "./types.js";

const UNTRUSTED_SUMMARY = "config.toml not loaded: another user could have written it; using defaults.";

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly position: TextPosition | undefined,
    readonly detail: string,
    /** The configWarning summary, when not the generic one. */
    readonly summary?: string,
  ) {
    super(position ? `${file}:${position.line}:${position.column}: ${detail}` : `${file}: ${detail}`);
  }
}

export interface ConfigSource {
  home: string;
  path: string;
  text?: string;
  /** The parsed file; {} when it is missing or broken. */
  fileTable: TomlTable;
  cliOverrides: readonly ConfigOverride[];
  /** Set when the file (or a -c override) cannot be used; methods that need config fail with it. */
  error?: ConfigError;
  /** To send to the client as configWarning after initialize. */
  warnings: ConfigWarningNotification[];
  /** The effective config at start-up (defaults when `error` is set). */
  config: AppConfig;
}

export interface DeriveOptions {
  profile?: string;
  /** Per-request overrides (newConversation's `config`), above -c. */
  overrides?: readonly ConfigOverride[];
}

export function loadConfigSource(env: NodeJS.ProcessEnv, cliOverrides: readonly ConfigOverride[]): ConfigSource {
  const home = codexHome(env);
  const path = configFilePath(home);
  const source: ConfigSource = { home, path, fileTable: {}, cliOverrides, warnings: [], config: defaults(home, path, env) };
  let text: string | undefined;
  try {
    // Most homes have no config.toml: check first, a thrown ENOENT costs start-up time.
    if (existsSync(path)) {
      // The file can start programs (MCP servers): one another user could write is not read.
      const untrusted = untrustedReasonSync(path, userTrust(false));
      if (untrusted !== null && untrusted !== "not found") source.error = new ConfigError(path, undefined, `not loaded: ${untrusted}`, UNTRUSTED_SUMMARY);
      else text = readFileSync(path, "utf8");
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      source.error = new ConfigError(path, undefined, `failed to read: ${(e as Error).message}`);
    }
  }
  if (text !== undefined) {
    source.text = text;
    try {
      source.fileTable = parseToml(text);
    } catch (e) {
      const err = e as { line?: number; column?: number; message: string };
      const detail = err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid TOML";
      source.error = new ConfigError(path, err.line ? { line: err.line, column: err.column ?? 1 } : undefined, detail);
    }
  }
  if (!source.error) {
    try {
      source.config = deriveConfig(source, {}, env);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      source.error = e;
    }
  }
  if (source.error) {
    source.fileTable = {};
    source.warnings.push(warningFor(source.error, source.error.summary ?? "Invalid configuration; using defaults."));
  } else {
    // Exporter problems only switch that exporter off; the rest of the config stands.
    const { issues } = resolveOtel(effectiveTable(source).otel, env);
    for (const issue of issues) {
      const error = locate(source, issue.path, `${issue.path.join(".")}: ${issue.message}`);
      source.warnings.push(warningFor(error, `Invalid OpenTelemetry setting \`${issue.path.join(".")}\`; that exporter is off.`));
    }
    // A bad MCP server entry leaves that server out; the others start.
    const mcp = resolveMcpServers(effectiveTable(source).mcp_servers);
    registerMcpSecrets(mcp.servers, env);
    for (const issue of mcp.issues) {
      const error = locate(source, issue.path, `${issue.path.join(".")}: ${issue.message}`);
      source.warnings.push(warningFor(error, `Invalid MCP server \`${issue.path[1] ?? "mcp_servers"}\`; it is not started.`));
    }
  }
  return source;
}

function effectiveTable(source: ConfigSource, extra: readonly ConfigOverride[] = []): TomlTable {
  return applyOverrides(applyOverrides(source.fileTable, source.cliOverrides), extra);
}

function locate(source: ConfigSource, path: readonly string[], detail: string): ConfigError {
  const position = source.text !== undefined ? locateKey(source.text, path) : undefined;
  return new ConfigError(source.path, position, detail);
}

export function warningFor(error: ConfigError, summary: string): ConfigWarningNotification {
  const range = error.position ? { start: error.position, end: error.position } : null;
  return { summary, details: error.message, path: error.file, range };
}

/** The typed config for a request: file, then profile, then -c, then the request's own overrides. */
export function deriveConfig(source: ConfigSource, options: DeriveOptions, env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (source.error) throw source.error;
  const table = effectiveTable(source, options.overrides);
  let toml: ConfigToml;
  try {
    toml = ConfigToml.parse(table);
  } catch (e) {
    if (!(e instanceof SchemaIssue)) throw e;
    throw locate(source, e.path.map(String), e.message);
  }
  // Keys set by -c or the request beat the profile; the profile beats the file.
  const above = ConfigToml.parse(applyOverrides(applyOverrides({}, source.cliOverrides), options.overrides ?? []));
  const profileName = options.profile ?? toml.profile;
  let profile: typeof toml.profiles extends Record<string, infer P> | undefined ? Partial<P> : never = {};
  if (profileName !== undefined) {
    const found = toml.profiles?.[profileName];
    if (!found) throw new ConfigError(source.path, undefined, `config profile \`${profileName}\` not found`);
    profile = found;
  }
  const pick = <K extends keyof typeof profile & keyof ConfigToml>(key: K) => above[key] ?? profile[key] ?? toml[key];

  const providers = mergeProviders(env, toml.model_providers);
  registerProviderSecrets(Object.values(providers), env);
  const providerId = pick("model_provider") ?? "openai";
  const provider = providers[providerId];
  if (!provider) throw locate(source, ["model_provider"], `model provider \`${providerId}\` not found`);
  const sww = toml.sandbox_workspace_write;
  const config: AppConfig = {
    ...defaults(source.home, source.path, env),
    modelProvider: provider,
    modelProviders: providers,
    approvalPolicy: pick("approval_policy") ?? "on-request",
    sandboxMode: pick("sandbox_mode") ?? "read-only",
    sandboxWorkspaceWrite: {
      writableRoots: sww?.writable_roots ?? [],
      networkAccess: sww?.network_access ?? false,
      excludeTmpdirEnvVar: sww?.exclude_tmpdir_env_var ?? false,
      excludeSlashTmp: sww?.exclude_slash_tmp ?? false,
    },
    modelReasoningSummary: pick("model_reasoning_summary") ?? "auto",
    modelOverrides: modelOverrides(source, toml),
    otel: resolveOtel(table.otel, env).config,
    table,
  };
  const model = pick("model");
  if (model !== undefined) config.model = model;
  const effort = pick("model_reasoning_effort");
  if (effort !== undefined) config.modelReasoningEffort = effort;
  const verbosity = pick("model_verbosity");
  if (verbosity !== undefined) config.modelVerbosity = verbosity;
  if (profileName !== undefined) config.profile = profileName;
  return config;
}

function modelOverrides(source: ConfigSource, toml: ConfigToml): ModelOverrides {
  const out: ModelOverrides = {};
  const keys = [
    ["model_context_window", "contextWindow"],
    ["model_auto_compact_token_limit", "autoCompactTokenLimit"],
    ["model_max_output_tokens", "maxOutputTokens"],
  ] as const;
  for (const [key, field] of keys) {
    const value = toml[key];
    if (value === undefined) continue;
    if (value <= 0) throw locate(source, [key], `${key} must be a positive number of tokens, got ${value}`);
    out[field] = value;
  }
  return out;
}

function defaults(home: string, path: string, env: NodeJS.ProcessEnv): AppConfig {
  const providers = mergeProviders(env, undefined);
  return {
    codexHome: home,
    configPath: path,
    modelProvider: providers.openai!,
    modelProviders: providers,
    approvalPolicy: "on-request",
    sandboxMode: "read-only",
    sandboxWorkspaceWrite: { writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
    modelReasoningSummary: "auto",
    modelOverrides: {},
    otel: resolveOtel(undefined, env).config,
    table: {},
  };
}

