// Model providers: the built-in ones plus `[model_providers.<id>]` from config.toml.
import type { ProviderToml } from "./config-toml.js";
import type { ModelProviderInfo } from "./types.js";

const MAX_RETRIES = 100;

function base(id: string, name: string, baseUrl: string, wireApi: ModelProviderInfo["wireApi"]): ModelProviderInfo {
  return {
    id,
    name,
    baseUrl,
    wireApi,
    queryParams: {},
    httpHeaders: {},
    envHttpHeaders: {},
    requestMaxRetries: 4,
    streamMaxRetries: 5,
    streamIdleTimeoutMs: 300_000,
    requiresOpenaiAuth: false,
  };
}

export const DEFAULT_OLLAMA_PORT = 11434;
export const DEFAULT_LMSTUDIO_PORT = 1234;

/**
 * Where a local ("oss") server is: CODEX_OSS_BASE_URL, else http://localhost:$CODEX_OSS_PORT/v1,
 * else the server's usual port. Blank or unparsable values count as unset, as in the reference.
 */
export function ossBaseUrl(env: NodeJS.ProcessEnv, defaultPort: number): string {
  const base = env.CODEX_OSS_BASE_URL?.trim();
  if (base) return base;
  const port = env.CODEX_OSS_PORT?.trim();
  const valid = port && /^\d+$/.test(port) && Number(port) <= 65_535 ? Number(port) : defaultPort;
  return `http://localhost:${valid}/v1`;
}

export function builtInProviders(env: NodeJS.ProcessEnv): Record<string, ModelProviderInfo> {
  // Local servers take no key: requiresOpenaiAuth stays false, so no Authorization header is sent.
  return {
    openai: {
      ...base("openai", "OpenAI", env.OPENAI_BASE_URL || "https://api.openai.com/v1", "responses"),
      envHttpHeaders: { "OpenAI-Organization": "OPENAI_ORGANIZATION", "OpenAI-Project": "OPENAI_PROJECT" },
      requiresOpenaiAuth: true,
    },
    ollama: base("ollama", "gpt-oss", ossBaseUrl(env, DEFAULT_OLLAMA_PORT), "responses"),
    "ollama-chat": base("ollama-chat", "gpt-oss", ossBaseUrl(env, DEFAULT_OLLAMA_PORT), "chat"),
    lmstudio: base("lmstudio", "gpt-oss", ossBaseUrl(env, DEFAULT_LMSTUDIO_PORT), "responses"),
  };
}

export function providerFromToml(id: string, t: ProviderToml): ModelProviderInfo {
  const cap = (n: number | undefined, dflt: number) => Math.min(Math.max(n ?? dflt, 0), MAX_RETRIES);
  const p = base(id, t.name ?? id, t.base_url ?? "https://api.openai.com/v1", t.wire_api ?? "chat");
  return {
    ...p,
    envKey: t.env_key,
    envKeyInstructions: t.env_key_instructions,
    experimentalBearerToken: t.experimental_bearer_token,
    queryParams: t.query_params ?? {},
    httpHeaders: t.http_headers ?? {},
    envHttpHeaders: t.env_http_headers ?? {},
    requestMaxRetries: cap(t.request_max_retries, p.requestMaxRetries),
    streamMaxRetries: cap(t.stream_max_retries, p.streamMaxRetries),
    streamIdleTimeoutMs: Math.max(t.stream_idle_timeout_ms ?? p.streamIdleTimeoutMs, 1),
    requiresOpenaiAuth: t.requires_openai_auth ?? false,
  };
}

/** Built-ins cannot be replaced by a user entry of the same id; user ids are added beside them. */
export function mergeProviders(
  env: NodeJS.ProcessEnv,
  user: Record<string, ProviderToml> | undefined,
): Record<string, ModelProviderInfo> {
  const out = builtInProviders(env);
  for (const [id, t] of Object.entries(user ?? {})) {
    if (!(id in out)) out[id] = providerFromToml(id, t);
  }
  return out;
}
