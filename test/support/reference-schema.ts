// Checks a message against one of codex 0.169's generated JSON Schemas (test/fixtures), reading
// every property that has a `default` as required, and for what the server sends (`nullableRequired`)
// every property that may be null too: 0.169's generated TypeScript types make those fields
// required (`T | null`, not `T?`), so a typed client expects them. Covers the draft-07 subset the
// generator emits.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Schema = { [key: string]: unknown };

const DIR = fileURLToPath(new URL("../fixtures/codex-0.169-schema/", import.meta.url));

export function loadReferenceSchema(relativePath: string): Schema {
  return JSON.parse(readFileSync(`${DIR}${relativePath}`, "utf8")) as Schema;
}

/** Problems found ("path: why"); empty when the value conforms to `schema` (a part of `root`, or root itself). */
export function referenceSchemaProblems(root: Schema, value: unknown, schema: Schema = root, options: { nullableRequired?: boolean } = {}): string[] {
  const problems: string[] = [];
  nullableRequired = options.nullableRequired ?? false;
  check(root, schema, value, "$", problems);
  return problems;
}

function resolve(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  // A JSON pointer into the root: the bundle nests v2's definitions (`#/definitions/v2/Thread`).
  let target: unknown = root;
  for (const part of ref.replace(/^#\//, "").split("/")) target = (target as Schema | undefined)?.[part];
  if (target === undefined) throw new Error(`reference schema: unresolved ${ref}`);
  return resolve(root, target as Schema);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** A union member picked by the value's `type` tag explains the miss better than "no member". */
function unionMiss(root: Schema, members: Schema[], value: unknown, path: string, key: string): string[] {
  const tag = typeOf(value) === "object" ? (value as Record<string, unknown>).type : undefined;
  if (typeof tag === "string") {
    const tagged = members.filter((m) => {
      const prop = (resolve(root, m).properties as Record<string, Schema> | undefined)?.type;
      return Array.isArray(prop?.enum) && prop.enum.includes(tag);
    });
    if (tagged.length === 1) {
      const sub: string[] = [];
      check(root, tagged[0]!, value, path, sub);
      return sub;
    }
  }
  return [`${path}: matches no member of ${key}`];
}

/** Set per call (checks are synchronous): whether nullable properties count as required. */
let nullableRequired = false;

/** A property the generated TypeScript declares without `?`: one with a default, or (server to client) a nullable one. */
function typedAsRequired(root: Schema, prop: Schema | boolean | undefined): boolean {
  if (typeof prop !== "object") return false;
  if ("default" in prop) return true;
  if (!nullableRequired) return false;
  const types = prop.type;
  if (types === "null" || (Array.isArray(types) && types.includes("null"))) return true;
  const members = (prop.anyOf ?? prop.oneOf) as Schema[] | undefined;
  return members?.some((m) => resolve(root, m).type === "null") ?? false;
}

function check(root: Schema, raw: Schema | boolean, value: unknown, path: string, out: string[]): void {
  // Draft-07 boolean schemas: `true` takes anything, `false` nothing.
  if (typeof raw === "boolean") {
    if (!raw) out.push(`${path}: not allowed`);
    return;
  }
  const schema = resolve(root, raw);
  for (const key of ["anyOf", "oneOf"] as const) {
    const members = schema[key] as Schema[] | undefined;
    if (!members) continue;
    const fits = members.some((m) => {
      const sub: string[] = [];
      check(root, m, value, path, sub);
      return sub.length === 0;
    });
    if (!fits) out.push(...unionMiss(root, members, value, path, key));
  }
  for (const member of (schema.allOf as Schema[] | undefined) ?? []) check(root, member, value, path, out);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number"))) {
      out.push(`${path}: expected ${types.join("|")}, got ${actual}`);
      return;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === "string" && typeof schema.minLength === "number" && value.length < schema.minLength) out.push(`${path}: too short`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => check(root, schema.items as Schema, v, `${path}[${i}]`, out));
  if (typeOf(value) !== "object") return;
  const obj = value as Record<string, unknown>;
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set([...((schema.required as string[] | undefined) ?? []), ...Object.keys(props).filter((k) => typedAsRequired(root, props[k]))]);
  for (const key of required) if (!(key in obj)) out.push(`${path}.${key}: missing`);
  for (const [key, v] of Object.entries(obj)) {
    const prop = props[key];
    if (prop) check(root, prop, v, `${path}.${key}`, out);
    else if (typeof schema.additionalProperties === "object") check(root, schema.additionalProperties as Schema, v, `${path}.${key}`, out);
  }
}
