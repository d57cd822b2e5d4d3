// Which config values are credentials, so that config/read (and a write's overriddenMetadata) shows
// that they are set without showing them. Variable *names* (env_key, env_http_headers,
// bearer_token_env_var) are not secrets and stay visible.
import { CENSOR } from "../logging/redact.js";
import { isTable, type TomlTable } from "./toml-table.js";

// Key paths from a table's top; "*" is any key. The values under a matched path are masked whole.
const SECRET_PATHS: readonly (readonly string[])[] = [
  ["model_providers", "*", "experimental_bearer_token"],
  ["model_providers", "*", "http_headers"],
  ["model_providers", "*", "query_params"],
  ["mcp_servers", "*", "env"],
  ["mcp_servers", "*", "http_headers"],
  ["otel", "*", "*", "headers"],
];

/** A copy of `table` (a whole config, or a profile's table) with every secret value masked. */
export function maskSecretValues(table: TomlTable): TomlTable {
  return mask(table, SECRET_PATHS) as TomlTable;
}

/** A value found at `path` in the config, masked when the path is (or is inside) a secret one. */
export function maskSecretAt(path: readonly string[], value: unknown): unknown {
  const below = SECRET_PATHS.filter((p) => p.length > path.length && path.every((k, i) => p[i] === "*" || p[i] === k)).map((p) => p.slice(path.length));
  if (SECRET_PATHS.some((p) => p.length <= path.length && p.every((k, i) => k === "*" || k === path[i]))) return maskLeaves(value);
  return below.length > 0 ? mask(value, below) : value;
}

function mask(value: unknown, paths: readonly (readonly string[])[]): unknown {
  if (!isTable(value) || paths.length === 0) return value;
  const out: TomlTable = {};
  for (const [key, child] of Object.entries(value)) {
    const matching = paths.filter((p) => p[0] === "*" || p[0] === key);
    out[key] = matching.some((p) => p.length === 1) ? maskLeaves(child) : mask(child, matching.map((p) => p.slice(1)));
  }
  return out;
}

/** Every string in `value` replaced: a header table keeps its names, loses its values. */
function maskLeaves(value: unknown): unknown {
  if (typeof value === "string") return CENSOR;
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLeaves(v)]));
  return value;
}
