// Plain helpers over parsed TOML tables.
export type TomlTable = { [key: string]: unknown };

export function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Tables merge key by key; any other value in `top` replaces the one in `base`. */
export function deepMerge(base: TomlTable, top: TomlTable): TomlTable {
  const out: TomlTable = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const prev = out[key];
    out[key] = isTable(prev) && isTable(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

export function setPath(table: TomlTable, path: readonly string[], value: unknown): TomlTable {
  const [head, ...rest] = path;
  if (head === undefined) return table;
  if (rest.length === 0) return { ...table, [head]: value };
  const child = table[head];
  return { ...table, [head]: setPath(isTable(child) ? child : {}, rest, value) };
}
