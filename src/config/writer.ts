// Edits the user's config.toml in place (comments and layout kept), refusing any edit that would
// leave a file the loader rejects, and writes it atomically. Later derivations see the new file.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, basename } from "node:path";
import { parse as parseForPatch, patch } from "@decimalturn/toml-patch";
import { parse as parseToml } from "smol-toml";
import type { MergeStrategy } from "../protocol/v2/config.js";
import { SchemaIssue } from "../protocol/schema.js";
import { ConfigToml } from "./config-toml.js";
import { layerVersion, overridingFlag, type NamedLayer } from "./layers.js";
import { ConfigError, deriveConfig, type ConfigSource } from "./load.js";
import { splitDottedKey } from "./overrides.js";
import { deepMerge, isTable, type TomlTable } from "./toml-table.js";
import { ConfigWriteError } from "./write-error.js";

export interface ConfigEditRequest {
  keyPath: string;
  /** null removes the key. */
  value: unknown;
  mergeStrategy?: MergeStrategy;
}

export interface WriteOptions {
  filePath?: string;
  expectedVersion?: string;
}

export interface WriteOutcome {
  filePath: string;
  version: string;
  /** Set when a -c flag still decides the value of an edited key. */
  overridden?: { layer: NamedLayer; keyPath: string; path: readonly string[]; effectiveValue: unknown };
}

export class ConfigWriter {
  // Writes from any request run one after another, so none reads a file another is replacing.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: ConfigSource,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** All edits land together or none do. */
  write(edits: readonly ConfigEditRequest[], options: WriteOptions = {}): Promise<WriteOutcome> {
    const run = this.queue.then(() => this.writeNow(edits, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private async writeNow(edits: readonly ConfigEditRequest[], options: WriteOptions): Promise<WriteOutcome> {
    const path = this.source.path;
    if (options.filePath !== undefined && resolve(options.filePath) !== resolve(path)) {
      throw new ConfigWriteError("configLayerReadonly", "Only writes to the user config are allowed");
    }
    const paths = edits.map((e) => {
      const keyPath = splitDottedKey(e.keyPath);
      if (e.keyPath.trim() === "" || keyPath.some((p) => p === "")) {
        throw new ConfigWriteError("configValidationError", e.keyPath.trim() === "" ? "keyPath must not be empty" : `invalid keyPath ${JSON.stringify(e.keyPath)}`);
      }
      return keyPath;
    });

    const text = await readIfExists(path);
    let current: TomlTable;
    try {
      current = parseToml(text);
    } catch (e) {
      throw new ConfigWriteError("configValidationError", `${path} is not valid TOML; fix it by hand first: ${firstLine(e)}`);
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== layerVersion(current)) {
      throw new ConfigWriteError("configVersionConflict", "Configuration was modified since last read. Fetch latest version and retry.");
    }

    let doc = parseForPatch(text) as TomlTable;
    edits.forEach((edit, i) => {
      doc = applyEdit(doc, paths[i]!, edit.value, edit.mergeStrategy ?? "replace");
    });
    let next: string;
    let table: TomlTable;
    try {
      // As the reference writes them (`["a"]`); a new file ends with a newline.
      next = patch(text, doc, text === "" ? { bracketSpacing: false, trailingNewline: 1 } : { bracketSpacing: false });
      table = parseToml(next);
    } catch (e) {
      throw new ConfigWriteError("configValidationError", `Invalid configuration: ${firstLine(e)}`);
    }
    const candidate: ConfigSource = { ...this.source, text: next, fileTable: table, warnings: [] };
    delete candidate.error;
    try {
      // The file alone must be valid (a -c flag may hide a bad value today, not after a restart)…
      ConfigToml.parse(table);
      // …and so must the config derived from it, as the loader builds it.
      candidate.config = deriveConfig(candidate, {}, this.env);
    } catch (e) {
      if (e instanceof SchemaIssue) throw new ConfigWriteError("configValidationError", `Invalid configuration: ${e.message}`);
      if (e instanceof ConfigError) throw new ConfigWriteError("configValidationError", `Invalid configuration: ${e.detail}`);
      throw e;
    }

    await writeAtomically(path, next);
    Object.assign(this.source, { text: next, fileTable: table, config: candidate.config });
    delete this.source.error;

    const outcome: WriteOutcome = { filePath: path, version: layerVersion(table) };
    for (const p of paths) {
      const layer = overridingFlag(this.source, p);
      if (layer) {
        outcome.overridden = { layer, keyPath: p.join("."), path: p, effectiveValue: valueAt(deepMerge(table, layer.table), p) ?? null };
        break;
      }
    }
    return outcome;
  }
}

function applyEdit(doc: TomlTable, path: readonly string[], value: unknown, strategy: MergeStrategy): TomlTable {
  const [head, ...rest] = path as [string, ...string[]];
  const out: TomlTable = { ...doc };
  if (rest.length > 0) {
    const child = out[head];
    if (value === null && !isTable(child)) return out;
    out[head] = applyEdit(isTable(child) ? child : {}, rest, value, strategy);
    return out;
  }
  if (value === null) delete out[head];
  else if (strategy === "upsert" && isTable(out[head]) && isTable(value)) out[head] = deepMerge(out[head] as TomlTable, value);
  else out[head] = value;
  return out;
}

function valueAt(table: TomlTable, path: readonly string[]): unknown {
  let v: unknown = table;
  for (const p of path) v = isTable(v) ? v[p] : undefined;
  return v;
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw e;
  }
}

/** Temp file in the same directory, then rename: readers see the old file or the new, never half. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  let mode = 0o600;
  try {
    mode = (await stat(path)).mode & 0o7777;
  } catch {
    // A new file: private, as it may name credentials.
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    // wx: a file (or link) already under the temporary name is never written through.
    await writeFile(temp, text, { mode, flush: true, flag: "wx" });
    await chmod(temp, mode); // the umask may have narrowed it
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

function firstLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split("\n")[0]!.replace(/^Invalid TOML document: /, "");
}
