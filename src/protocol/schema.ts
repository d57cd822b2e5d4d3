// A small schema library: each wire shape is written once and yields its TypeScript type
// (Infer), a validator for params at the boundary, and a JSON Schema for the published contract.
// We keep it in-house because zod costs ~80 ms of start-up on this machine, more than our whole
// start-up budget allows.

export type JsonSchema = { [key: string]: unknown };

/** Where a value failed and why; the path names the field for the -32602 message. */
export class SchemaIssue extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    readonly expected: string,
  ) {
    super(`${formatPath(path)}: ${expected}`);
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "params";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

export interface Schema<T> {
  readonly json: JsonSchema;
  /** Returns the parsed value or throws SchemaIssue. */
  parse(value: unknown, path?: (string | number)[]): T;
}

export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function fail(path: (string | number)[], expected: string, value: unknown): never {
  throw new SchemaIssue(path, `expected ${expected}, got ${describe(value)}`);
}

// JSON Schema fragments are built on first use: only the schema generator reads them, and building
// them for every wire shape at start-up would cost time on every launch.
function lazyJson(build: () => JsonSchema): { readonly json: JsonSchema } {
  let cached: JsonSchema | undefined;
  return {
    get json() {
      cached ??= build();
      return cached;
    },
  };
}

function make<T>(json: () => JsonSchema, parse: (value: unknown, path: (string | number)[]) => T): Schema<T> {
  return Object.assign(lazyJson(json), { parse: (value: unknown, path: (string | number)[] = []) => parse(value, path) });
}

export const string = (): Schema<string> =>
  make(() => ({ type: "string" }), (v, p) => (typeof v === "string" ? v : fail(p, "a string", v)));

export const number = (): Schema<number> =>
  make(() => ({ type: "number" }), (v, p) => (typeof v === "number" && Number.isFinite(v) ? v : fail(p, "a number", v)));

export const integer = (): Schema<number> =>
  make(() => ({ type: "integer" }), (v, p) => (Number.isInteger(v) ? (v as number) : fail(p, "an integer", v)));

export const boolean = (): Schema<boolean> =>
  make(() => ({ type: "boolean" }), (v, p) => (typeof v === "boolean" ? v : fail(p, "a boolean", v)));

export const unknown = (): Schema<unknown> => make(() => ({}), (v) => v);

export function literal<const L extends string | number | boolean>(lit: L): Schema<L> {
  return make(() => ({ const: lit }), (v, p) => (v === lit ? lit : fail(p, JSON.stringify(lit), v)));
}

export function enumOf<const L extends readonly string[]>(values: L): Schema<L[number]> {
  const allowed = new Set<string>(values);
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return make(() => ({ type: "string", enum: [...values] }), (v, p) =>
    typeof v === "string" && allowed.has(v) ? (v as L[number]) : fail(p, expected, v),
  );
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return make(() => ({ type: "array", items: item.json }), (v, p) => {
    if (!Array.isArray(v)) fail(p, "an array", v);
    return v.map((el, i) => item.parse(el, [...p, i]));
  });
}

export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return make(() => ({ type: "object", additionalProperties: value.json }), (v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const out: Record<string, T> = {};
    for (const [k, el] of Object.entries(v)) out[k] = value.parse(el, [...p, k]);
    return out;
  });
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return make(() => ({ anyOf: [inner.json, { type: "null" }] }), (v, p) => (v === null ? null : inner.parse(v, p)));
}

/** A field that may be absent; `null` is accepted as absent too, as serde's Option does. */
export function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  return Object.assign(lazyJson(() => inner.json), {
    optional: true as const,
    parse: (v: unknown, p: (string | number)[] = []) => (v === undefined || v === null ? undefined : inner.parse(v, p)),
  });
}

export function union<const S extends readonly Schema<unknown>[]>(members: S): Schema<Infer<S[number]>> {
  return make(() => ({ anyOf: members.map((m) => m.json) }), (v, p) => {
    let deepest: SchemaIssue | undefined;
    for (const m of members) {
      try {
        return m.parse(v, p) as Infer<S[number]>;
      } catch (e) {
        if (!(e instanceof SchemaIssue)) throw e;
        if (!deepest || e.path.length > deepest.path.length) deepest = e;
      }
    }
    // The member that got furthest names the most useful field.
    throw deepest && deepest.path.length > p.length ? deepest : new SchemaIssue(p, `did not match any allowed shape (got ${describe(v)})`);
  });
}

type Shape = { readonly [key: string]: Schema<unknown> };
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Flatten<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

export interface ObjectSchema<S extends Shape> extends Schema<ObjectOf<S>> {
  readonly shape: S;
}

/** Unknown keys are dropped, not rejected: clients newer than us may send more fields. */
export function object<const S extends Shape>(shape: S): ObjectSchema<S> {
  const entries = Object.entries(shape);
  const parse = (v: unknown, p: (string | number)[] = []): ObjectOf<S> => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, s] of entries) {
      const field = src[k];
      if (field === undefined && !("optional" in s)) throw new SchemaIssue([...p, k], "missing field");
      const parsed = s.parse(field, [...p, k]);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out as ObjectOf<S>;
  };
  const json = () => {
    const required = entries.filter(([, s]) => !("optional" in s)).map(([k]) => k);
    return {
      type: "object",
      properties: Object.fromEntries(entries.map(([k, s]) => [k, s.json])),
      ...(required.length > 0 ? { required } : {}),
    };
  };
  return Object.assign(lazyJson(json), { shape, parse });
}

/** Params that may be omitted entirely (`{}` or no params at all). */
export const noParams = (): Schema<Record<string, never>> =>
  make(() => ({ type: "object", properties: {} }), (v, p) => {
    if (v === undefined || v === null) return {};
    if (typeof v !== "object" || Array.isArray(v)) fail(p, "an object or nothing", v);
    return {};
  });
