import { describe, expect, it } from "vitest";
import * as s from "../../src/protocol/schema.js";

const Params = s.object({
  name: s.string(),
  count: s.optional(s.integer()),
  mode: s.enumOf(["a", "b"]),
  tags: s.optional(s.array(s.string())),
  nested: s.optional(s.object({ flag: s.boolean() })),
});

function issue(value: unknown): string {
  try {
    Params.parse(value);
    return "ok";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("schema", () => {
  it("parses, drops unknown keys, and treats null as absent for optional fields", () => {
    expect(Params.parse({ name: "x", mode: "a", extra: 1, count: null })).toEqual({ name: "x", mode: "a" });
  });

  it("names the failing field", () => {
    expect(issue({ mode: "a" })).toBe("name: missing field");
    expect(issue({ name: 5, mode: "a" })).toBe("name: expected a string, got number 5");
    expect(issue({ name: "x", mode: "c" })).toBe('mode: expected one of "a", "b", got string "c"');
    expect(issue({ name: "x", mode: "a", tags: ["ok", 3] })).toBe("tags[1]: expected a string, got number 3");
    expect(issue({ name: "x", mode: "a", nested: { flag: "yes" } })).toBe('nested.flag: expected a boolean, got string "yes"');
    expect(issue([])).toBe("params: expected an object, got an array");
  });

  it("describes itself as JSON Schema", () => {
    expect(Params.json).toMatchObject({
      type: "object",
      required: ["name", "mode"],
      properties: { mode: { type: "string", enum: ["a", "b"] } },
    });
  });
});
