// Feeds the redaction registry with the secret values a config holds, as it is derived, so that no
// log line or error message can carry them: bearer tokens, env_key values, http_headers and
// env_http_headers values, and query_params values (API keys often travel as `?key=`).
import { registerSecret } from "../logging/redact.js";
import type { McpServerConfig } from "./mcp-servers.js";
import type { ModelProviderInfo } from "./types.js";

export function registerProviderSecrets(providers: Iterable<ModelProviderInfo>, env: NodeJS.ProcessEnv): void {
  for (const p of providers) {
    registerSecret(p.experimentalBearerToken);
    if (p.envKey) registerSecret(env[p.envKey]);
    for (const value of Object.values(p.queryParams)) registerSecret(value);
    for (const value of Object.values(p.httpHeaders)) registerSecret(value);
    for (const variable of Object.values(p.envHttpHeaders)) registerSecret(env[variable]);
  }
}

/** MCP servers' credentials read from the environment: known from start-up, not only once connected. */
export function registerMcpSecrets(servers: Iterable<McpServerConfig>, env: NodeJS.ProcessEnv): void {
  for (const { transport: t } of servers) {
    if (t.kind !== "http") continue;
    if (t.bearerTokenEnvVar) registerSecret(env[t.bearerTokenEnvVar]);
    for (const variable of Object.values(t.envHttpHeaders)) registerSecret(env[variable]);
  }
}
