// Feeds the redaction registry with the secret values a config holds, as it is derived, so that no
// log line or error message can carry them: bearer tokens, env_key values, http_headers and
// env_http_headers values, and query_params values (API keys often travel as `?key=`).
import { registerSecret } from "../logging/redact.js";
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
