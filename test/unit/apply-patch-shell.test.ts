import { describe, expect, it } from "vitest";
import { extractHeredocInvocation, patchCwd, recogniseShellPatch } from "../../src/tools/apply-patch/shell-invocation.js";
import { APPLY_PATCH_FREEFORM_TOOL, APPLY_PATCH_JSON_TOOL, APPLY_PATCH_LARK_GRAMMAR, parseApplyPatchArguments } from "../../src/tools/apply-patch/tool-spec.js";
import { useApplyPatchToolWarning } from "../../src/tools/apply-patch/tool-output.js";

const PATCH = "*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch";
const heredoc = (prefix: string, suffix = "") => `${prefix}apply_patch <<'PATCH'\n${PATCH}\nPATCH${suffix}`;
const ADD_FOO = [{ type: "add", path: "foo", contents: "hi\n" }];

function expectPatch(argv: string[], workdir: string | null) {
  const result = recogniseShellPatch(argv);
  if (result.kind !== "patch") throw new Error(`expected a patch, got ${JSON.stringify(result)}`);
  expect(result.parsed.hunks).toEqual(ADD_FOO);
  expect(result.parsed.patch).toBe(PATCH);
  expect(result.workdir).toBe(workdir);
}

describe("recogniseShellPatch", () => {
  it("recognises the direct forms", () => {
    expectPatch(["apply_patch", `${PATCH}\n`], null);
    expectPatch(["applypatch", PATCH], null);
    // the heredoc wrapper models put in a direct call is stripped by the lenient parser
    expectPatch(["apply_patch", `<<'EOF'\n${PATCH}\nEOF\n`], null);
  });

  it("recognises a heredoc in bash/zsh/sh -c and -lc, with any delimiter quoting", () => {
    expectPatch(["bash", "-lc", heredoc("")], null);
    expectPatch(["/bin/bash", "-c", heredoc("")], null);
    expectPatch(["zsh", "-lc", heredoc("")], null);
    expectPatch(["sh", "-c", `applypatch <<EOF\n${PATCH}\nEOF\n`], null);
    expectPatch(["bash", "-lc", `apply_patch << "END"\n${PATCH}\nEND`], null);
  });

  it("takes the cd target of `cd DIR && apply_patch <<…` (bare, single- or double-quoted)", () => {
    expectPatch(["bash", "-lc", heredoc("cd foo && ")], "foo");
    expectPatch(["bash", "-lc", heredoc("cd 'foo bar' && ")], "foo bar");
    expectPatch(["bash", "-lc", heredoc('cd "foo bar" && ')], "foo bar");
    expect(patchCwd("/w", "foo")).toBe("/w/foo");
    expect(patchCwd("/w", "/abs")).toBe("/abs");
    expect(patchCwd("/w", null)).toBe("/w");
  });

  it.each([
    ["cd foo; ", ""],
    ["cd bar || ", ""],
    ["cd bar | ", ""],
    ["echo foo && ", ""],
    ["cd foo && cd bar && ", ""],
    ["cd foo bar && ", ""],
    ["cd bar && ", " && echo done"],
    ["echo foo; cd bar && ", ""],
    ["", "\necho after"],
    ["cd $HOME && ", ""],
  ])("leaves `%s…%s` to run as an ordinary command", (prefix, suffix) => {
    expect(recogniseShellPatch(["bash", "-lc", heredoc(prefix, suffix)])).toEqual({ kind: "not-apply-patch" });
  });

  it("leaves other commands alone", () => {
    expect(recogniseShellPatch(["ls", "-la"])).toEqual({ kind: "not-apply-patch" });
    expect(recogniseShellPatch(["bash", "-lc", "apply_patch foo <<'PATCH'\n*** Begin Patch\n*** End Patch\nPATCH"])).toEqual({ kind: "not-apply-patch" });
    expect(recogniseShellPatch(["bash", "-lc", "apply_patch <<'PATCH'\nunterminated"])).toEqual({ kind: "not-apply-patch" });
    expect(recogniseShellPatch(["python", "-c", heredoc("")])).toEqual({ kind: "not-apply-patch" });
    expect(recogniseShellPatch(["apply_patch"])).toEqual({ kind: "not-apply-patch" });
  });

  it("answers a malformed patch in an apply_patch call with the parse error", () => {
    expect(recogniseShellPatch(["apply_patch", "*** Begin Patch\n*** Bogus\n*** End Patch"])).toEqual({
      kind: "invalid",
      message:
        "invalid hunk at line 2, '*** Bogus' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    });
    expect(recogniseShellPatch(["bash", "-lc", "apply_patch <<'EOF'\n*** Begin Patch\nEOF"])).toMatchObject({ kind: "invalid" });
  });

  it("explains a bare patch sent as the command or as the script", () => {
    const implicit = { kind: "invalid", message: 'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]' };
    expect(recogniseShellPatch([PATCH])).toEqual(implicit);
    expect(recogniseShellPatch(["bash", "-lc", PATCH])).toEqual(implicit);
  });

  it("extracts the heredoc body without its trailing newlines", () => {
    expect(extractHeredocInvocation("  apply_patch <<'X'\nline1\nline2\n\nX\n\n")).toEqual({ body: "line1\nline2", workdir: null });
  });
});

describe("apply_patch tool specs", () => {
  it("offers the freeform tool with the Lark grammar", () => {
    expect(APPLY_PATCH_FREEFORM_TOOL).toEqual({
      type: "custom",
      name: "apply_patch",
      description: "Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.",
      format: { type: "grammar", syntax: "lark", definition: APPLY_PATCH_LARK_GRAMMAR },
    });
    expect(APPLY_PATCH_LARK_GRAMMAR.split("\n")[0]).toBe("start: begin_patch hunk+ end_patch");
    expect(APPLY_PATCH_LARK_GRAMMAR).toContain('change_context: ("@@" | "@@ " /(.+)/) LF');
  });

  it("offers the JSON function variant taking { input }", () => {
    expect(APPLY_PATCH_JSON_TOOL.parameters).toEqual({
      type: "object",
      properties: { input: { type: "string", description: "The entire contents of the apply_patch command" } },
      required: ["input"],
      additionalProperties: false,
    });
    expect(APPLY_PATCH_JSON_TOOL.description.startsWith("Use the `apply_patch` tool to edit files.\nYour patch language is a stripped\u2011down")).toBe(true);
    expect(APPLY_PATCH_JSON_TOOL.description).toContain("@@ \t def method():");
  });

  it("parses the JSON variant's arguments", () => {
    expect(parseApplyPatchArguments(JSON.stringify({ input: PATCH }))).toEqual({ input: PATCH });
    expect(parseApplyPatchArguments("{}")).toEqual({ error: "failed to parse function arguments: missing field `input`" });
    expect(parseApplyPatchArguments("not json")).toMatchObject({ error: expect.stringMatching(/^failed to parse function arguments: /) });
  });

  it("words the shell warning as the reference", () => {
    expect(useApplyPatchToolWarning("shell")).toBe("apply_patch was requested via shell. Use the apply_patch tool instead of exec_command.");
  });
});
