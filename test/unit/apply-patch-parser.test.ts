import { describe, expect, it } from "vitest";
import { parsePatch, PatchParseError } from "../../src/tools/apply-patch/parser.js";
import { normalisePunctuation, seekSequence } from "../../src/tools/apply-patch/seek-sequence.js";
import { applyChunks, ContextMismatchError } from "../../src/tools/apply-patch/update-content.js";

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

function parseError(text: string): PatchParseError {
  try {
    parsePatch(text);
  } catch (error) {
    if (error instanceof PatchParseError) return error;
    throw error;
  }
  throw new Error("expected a parse error");
}

describe("parsePatch", () => {
  it("parses add, delete and update-with-move hunks in order", () => {
    const parsed = parsePatch(
      wrap(
        [
          "*** Add File: path/add.py",
          "+abc",
          "+def",
          "*** Delete File: path/delete.py",
          "*** Update File: path/update.py",
          "*** Move to: path/update2.py",
          "@@ def f():",
          "-    pass",
          "+    return 123",
        ].join("\n"),
      ),
    );
    expect(parsed.hunks).toEqual([
      { type: "add", path: "path/add.py", contents: "abc\ndef\n" },
      { type: "delete", path: "path/delete.py" },
      {
        type: "update",
        path: "path/update.py",
        movePath: "path/update2.py",
        chunks: [{ changeContext: "def f():", oldLines: ["    pass"], newLines: ["    return 123"], isEndOfFile: false }],
      },
    ]);
  });

  it("accepts an update whose first chunk has no @@, and an empty-context @@ chunk followed by another hunk", () => {
    const parsed = parsePatch(wrap("*** Update File: a.py\n import foo\n+bar\n*** Update File: b.py\n@@\n+line\n*** Add File: c.py\n+x"));
    expect(parsed.hunks).toEqual([
      { type: "update", path: "a.py", movePath: null, chunks: [{ changeContext: null, oldLines: ["import foo"], newLines: ["import foo", "bar"], isEndOfFile: false }] },
      { type: "update", path: "b.py", movePath: null, chunks: [{ changeContext: null, oldLines: [], newLines: ["line"], isEndOfFile: false }] },
      { type: "add", path: "c.py", contents: "x\n" },
    ]);
  });

  it("splits chunks at each @@, keeps empty lines as empty context and marks *** End of File", () => {
    const parsed = parsePatch(wrap("*** Update File: f\n@@ class A\n a\n\n-b\n+B\n@@\n-y\n+z\n*** End of File"));
    const hunk = parsed.hunks[0];
    expect(hunk?.type === "update" && hunk.chunks).toEqual([
      { changeContext: "class A", oldLines: ["a", "", "b"], newLines: ["a", "", "B"], isEndOfFile: false },
      { changeContext: null, oldLines: ["y"], newLines: ["z"], isEndOfFile: true },
    ]);
  });

  it("tolerates whitespace around markers, CRLF line ends and a heredoc wrapper", () => {
    const padded = parsePatch("  *** Begin Patch \r\n  *** Update File: foo.txt\r\n@@\r\n-old\r\n+new\r\n *** End Patch \r\n");
    expect(padded.hunks).toEqual([{ type: "update", path: "foo.txt", movePath: null, chunks: [{ changeContext: null, oldLines: ["old"], newLines: ["new"], isEndOfFile: false }] }]);
    const heredoc = parsePatch("<<'EOF'\n*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch\nEOF\n");
    expect(heredoc.hunks).toEqual([{ type: "add", path: "foo", contents: "hi\n" }]);
    expect(heredoc.patch).toBe("*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch");
  });

  it("accepts a patch with no hunks (the applier refuses it)", () => {
    expect(parsePatch("*** Begin Patch\n*** End Patch").hunks).toEqual([]);
  });

  it.each([
    ["bad", "invalid patch: The first line of the patch must be '*** Begin Patch'", null],
    ["", "invalid patch: The first line of the patch must be '*** Begin Patch'", null],
    ["*** Begin Patch\nbad", "invalid patch: The last line of the patch must be '*** End Patch'", null],
    ["<<'EOF'\n*** Begin Patch\n*** Add File: a\nEOF", "invalid patch: The last line of the patch must be '*** End Patch'", null],
    [wrap("*** Update File: test.py"), "invalid hunk at line 2, Update file hunk for path 'test.py' is empty", 2],
    [
      wrap("*** Add File: a\n+x\n*** Frobnicate File: b"),
      "invalid hunk at line 4, '*** Frobnicate File: b' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
      4,
    ],
    [
      // After the first chunk, every chunk needs its @@.
      wrap("*** Update File: a\n@@\n-x\n+y\nbogus"),
      "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'bogus'",
      6,
    ],
    [wrap("*** Update File: a\n@@ ctx\n*** End of File"), "invalid hunk at line 4, Update hunk does not contain any lines", 4],
    [
      wrap("*** Update File: a\n@@\n-x\n@@ second\nbogus line"),
      "invalid hunk at line 6, Unexpected line found in update hunk: 'bogus line'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
      6,
    ],
  ])("refuses %j with the reference's message", (text, message, line) => {
    const error = parseError(text);
    expect(error.message).toBe(message);
    expect(error.lineNumber).toBe(line);
  });

});

describe("seekSequence", () => {
  const lines = ["foo", "bar   ", "  baz\t", "qu\u2014x \u201Cq\u201D", "end"];

  it("matches exactly first, from the start index", () => {
    expect(seekSequence(["a", "b", "a", "b"], ["a", "b"], 0, false)).toBe(0);
    expect(seekSequence(["a", "b", "a", "b"], ["a", "b"], 1, false)).toBe(2);
  });

  it("falls back to ignoring trailing, then surrounding whitespace, then typographic punctuation", () => {
    expect(seekSequence(lines, ["bar"], 0, false)).toBe(1);
    expect(seekSequence(lines, ["baz"], 0, false)).toBe(2);
    expect(seekSequence(lines, ['qu-x "q"'], 0, false)).toBe(3);
    expect(normalisePunctuation(" a\u00A0\u2013\u2018b\u2019 ")).toBe("a -'b'");
  });

  it("prefers an exact match later in the file over a fuzzy one earlier", () => {
    expect(seekSequence(["x ", "x"], ["x"], 0, false)).toBe(1);
  });

  it("tries the end of the file first for End of File chunks", () => {
    expect(seekSequence(["a", "b", "a"], ["a"], 0, true)).toBe(2);
    expect(seekSequence(["a", "b", "a"], ["b"], 0, true)).toBeNull();
  });

  it("handles empty and over-long patterns", () => {
    expect(seekSequence(["a"], [], 0, false)).toBe(0);
    expect(seekSequence(["a"], ["a", "b"], 0, false)).toBeNull();
    expect(seekSequence(lines, ["nope"], 0, false)).toBeNull();
  });
});

describe("applyChunks", () => {
  const chunk = (oldLines: string[], newLines: string[], changeContext: string | null = null, isEndOfFile = false) => ({ changeContext, oldLines, newLines, isEndOfFile });

  it("replaces located lines and keeps a trailing newline", () => {
    expect(applyChunks("foo\nbar\nbaz\nqux\n", [chunk(["foo", "bar"], ["foo", "BAR"]), chunk(["baz", "qux"], ["baz", "QUX"])], "f")).toBe("foo\nBAR\nbaz\nQUX\n");
  });

  it("adds a final newline to a file that lacked one", () => {
    expect(applyChunks("a\nb", [chunk(["b"], ["c"])], "f")).toBe("a\nc\n");
  });

  it("appends a pure addition at the end", () => {
    expect(applyChunks("a\nb\n", [chunk([], ["c"])], "f")).toBe("a\nb\nc\n");
  });

  it("uses the @@ context line to pick the right occurrence", () => {
    const file = "def a():\n    pass\ndef b():\n    pass\n";
    expect(applyChunks(file, [chunk(["    pass"], ["    return 1"], "def b():")], "f")).toBe("def a():\n    pass\ndef b():\n    return 1\n");
  });

  it("retries without a trailing empty old line (the file's final newline)", () => {
    expect(applyChunks("a\nb\n", [chunk(["b", ""], ["c", ""])], "f")).toBe("a\nc\n");
  });

  it("keeps CRLF line ends of a CRLF file", () => {
    expect(applyChunks("a\r\nb\r\n", [chunk(["b"], ["c", "d"])], "f")).toBe("a\r\nc\r\nd\r\n");
  });

  it("reports missing context and missing lines with the reference's messages", () => {
    expect(() => applyChunks("a\n", [chunk(["a"], ["b"], "class X")], "/w/f.py")).toThrow(new ContextMismatchError("Failed to find context 'class X' in /w/f.py"));
    expect(() => applyChunks("a\n", [chunk(["x", "y"], ["z"])], "/w/f.py")).toThrow(new ContextMismatchError("Failed to find expected lines in /w/f.py:\nx\ny"));
  });

  it("searches each chunk after the previous one", () => {
    expect(() => applyChunks("a\nb\n", [chunk(["b"], ["B"]), chunk(["a"], ["A"])], "f")).toThrow(ContextMismatchError);
  });
});
