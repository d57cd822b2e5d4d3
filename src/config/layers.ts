// The config as layers (user config.toml, its selected profile, -c flags), each with a version, and
// which layer each effective key came from: what config/read reports and writes check against.
import type { ConfigLayer, ConfigLayerMetadata } from "../protocol/v2/config.js";
import type { ConfigSource } from "./load.js";
import { applyOverrides } from "./overrides.js";
import { deepMerge, isTable, type TomlTable } from "./toml-table.js";

export interface NamedLayer {
  meta: ConfigLayerMetadata;
  table: TomlTable;
}

/** As 0.169: sha256 of the layer's table as compact JSON with sorted keys (not of the file's bytes). */
export function layerVersion(table: TomlTable): string {
  // node:crypto (~20 internal modules) is loaded on the first config/read, not at start-up.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return `sha256:${createHash("sha256").update(canonicalJson(table)).digest("hex")}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isTable(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function userLayer(source: ConfigSource, table: TomlTable = source.fileTable): NamedLayer {
  return { meta: { name: { type: "user", file: source.path, profile: null }, version: layerVersion(table) }, table };
}

export function sessionFlagsLayer(source: ConfigSource): NamedLayer | undefined {
  if (source.cliOverrides.length === 0) return undefined;
  const table = applyOverrides({}, source.cliOverrides);
  return { meta: { name: { type: "sessionFlags" }, version: layerVersion(table) }, table };
}

/** Lowest precedence first: config.toml, the selected profile's keys, then -c. */
export function configLayers(source: ConfigSource): NamedLayer[] {
  const layers = [userLayer(source)];
  const profileName = source.error ? undefined : source.config.profile;
  const profiles = source.fileTable.profiles;
  const profile = profileName !== undefined && isTable(profiles) ? profiles[profileName] : undefined;
  if (isTable(profile)) {
    layers.push({
      meta: { name: { type: "user", file: source.path, profile: profileName! }, version: layerVersion(profile) },
      table: profile,
    });
  }
  const flags = sessionFlagsLayer(source);
  if (flags) layers.push(flags);
  return layers;
}

export interface LayeredConfig {
  effective: TomlTable;
  origins: Record<string, ConfigLayerMetadata>;
  /** Highest precedence first, as 0.169 lists them. */
  layers: ConfigLayer[];
}

export function layeredConfig(source: ConfigSource): LayeredConfig {
  const layers = configLayers(source);
  let effective: TomlTable = {};
  const origins: Record<string, ConfigLayerMetadata> = {};
  for (const layer of layers) {
    effective = deepMerge(effective, layer.table);
    for (const path of leafPaths(layer.table)) origins[path] = layer.meta;
  }
  return {
    effective,
    origins,
    layers: layers.reverse().map((l) => ({ name: l.meta.name, version: l.meta.version, config: l.table, disabledReason: null })),
  };
}

function* leafPaths(table: TomlTable, prefix = ""): Generator<string> {
  for (const [key, value] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTable(value) && Object.keys(value).length > 0) yield* leafPaths(value, path);
    else yield path;
  }
}

/** The -c layer, when one of its keys is `path`, inside it, or above it: a write there has no effect now. */
export function overridingFlag(source: ConfigSource, path: readonly string[]): NamedLayer | undefined {
  const covers = source.cliOverrides.some((o) => o.path.every((p, i) => i >= path.length || p === path[i]));
  return covers ? sessionFlagsLayer(source) : undefined;
}
