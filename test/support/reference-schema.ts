// Checks a message against one of codex 0.169's generated JSON Schemas (test/fixtures), reading
// every property that has a `default` as required: 0.169's generated TypeScript types make those
// fields required, so a typed client expects them. Covers the draft-07 subset the generator emits.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Schema = { [key: string]: unknown };

const DIR = fileURLToPath(new URL("../fixtures/codex-0.169-schema/", import.meta.url));

export function loadReferenceSchema(relativePath: string): Schema {
  return JSON.parse(readFileSync(`${DIR}${relativePath}`, "utf8")) as Schema;
}

/** Problems found ("path: why"); empty when the value conforms. */
export function referenceSchemaProblems(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  check(root, root, value, "$", problems);
  return problems;
}

function resolve(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/definitions/", "");
  return resolve(root, (root.definitions as Record<string, Schema>)[name]!);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function check(root: Schema, raw: Schema, value: unknown, path: string, out: string[]): void {
  // `true` (as draft-07 allows) accepts anything.
  if (typeof raw !== "object") return;
  const schema = resolve(root, raw);
  for (const key of ["anyOf", "oneOf"] as const) {
    const members = schema[key] as Schema[] | undefined;
    if (!members) continue;
    const fits = members.some((m) => {
      const sub: string[] = [];
      check(root, m, value, path, sub);
      return sub.length === 0;
    });
    if (!fits) out.push(`${path}: matches no member of ${key}`);
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
  const required = new Set([...((schema.required as string[] | undefined) ?? []), ...Object.keys(props).filter((k) => typeof props[k] === "object" && "default" in props[k]!)]);
  for (const key of required) if (!(key in obj)) out.push(`${path}.${key}: missing`);
  for (const [key, v] of Object.entries(obj)) {
    const prop = props[key];
    if (prop) check(root, prop, v, `${path}.${key}`, out);
    else if (typeof schema.additionalProperties === "object") check(root, schema.additionalProperties as Schema, v, `${path}.${key}`, out);
  }
}
