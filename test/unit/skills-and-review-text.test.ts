// Pure parts of skills and reviews: SKILL.md front matter, `$name` mentions and which skills they
// select, and the review answer's parsing and rendering.
import { describe, expect, it } from "vitest";
import { parseReviewOutput, renderReview } from "../../src/core/review/output.js";
import { FrontMatterError, parseFrontMatter } from "../../src/skills/front-matter.js";
import { mentionedNames, selectSkills } from "../../src/skills/injection.js";
import type { SkillMetadata } from "../../src/protocol/v2/skills.js";

describe("SKILL.md front matter", () => {
  it("reads plain, quoted and nested values and ignores comments", () => {
    const text = "---\nname: my-skill\ndescription: \"Does: things\"\n# a comment\ntitle: 'it''s'\nmetadata:\n  short-description: short\n---\nbody\n";
    expect(parseFrontMatter(text)).toEqual({ name: "my-skill", description: "Does: things", title: "it's", metadata: { "short-description": "short" } });
  });

  it("reads YAML quoting and multi-line descriptions", () => {
    const text = [
      "---",
      "name: 'quoted: name'",
      'title: "tab\\there \\"and\\" quotes"',
      "description: |",
      "  First line: with a colon.",
      "  Second line # not a comment",
      "folded: >",
      "  one",
      "  two",
      "plain: spans",
      "  two lines",
      "metadata:",
      '  short-description: "short"',
      "---",
      "body",
    ].join("\n");
    expect(parseFrontMatter(text)).toEqual({
      name: "quoted: name",
      title: 'tab\there "and" quotes',
      description: "First line: with a colon.\nSecond line # not a comment\n",
      folded: "one two\n",
      plain: "spans two lines",
      metadata: { "short-description": "short" },
    });
    expect(parseFrontMatter("---\r\nname: x\r\n---\r\n")).toEqual({ name: "x" });
    expect(parseFrontMatter("---\n---\n")).toEqual({});
  });

  it("names what is wrong", () => {
    expect(() => parseFrontMatter("no front matter")).toThrow(new FrontMatterError("missing YAML frontmatter delimited by ---"));
    expect(() => parseFrontMatter("---\nname: x\n")).toThrow("missing YAML frontmatter delimited by ---");
    expect(() => parseFrontMatter("---\njust text\n---\n")).toThrow(new FrontMatterError("invalid YAML in frontmatter (line 2): expected a map of keys to values"));
    // Lines are the file's: the block starts on line 2.
    expect(() => parseFrontMatter("---\nname: x\ndescription: \"unclosed\n---\n")).toThrow(/^invalid YAML in frontmatter \(line 3\): /);
    expect(() => parseFrontMatter("---\nname: a\nname: b\n---\n")).toThrow(/^invalid YAML in frontmatter \(line 3\): .*unique/);
    expect(() => parseFrontMatter("---\nname: a\nname: b\n---\n")).toThrow(FrontMatterError);
  });
});

describe("skill mentions", () => {
  const skill = (name: string, path: string, enabled = true): SkillMetadata => ({ name, description: "d", shortDescription: null, path, scope: "user", enabled, pluginId: null, interface: null, dependencies: null });
  const skills = [skill("a", "/s/a/SKILL.md"), skill("dup", "/s/d1/SKILL.md"), skill("dup", "/s/d2/SKILL.md"), skill("off", "/s/off/SKILL.md", false), skill("b", "/s/b/SKILL.md")];

  it("finds $names", () => {
    expect(mentionedNames("use $a, then $b-c:d and $ alone; $HOME")).toEqual(["a", "b-c:d", "HOME"]);
  });

  it("selects unambiguous enabled skills, structured selections first, each once", () => {
    expect(selectSkills(skills, "$a $dup $off $a $nope", []).map((s) => s.path)).toEqual(["/s/a/SKILL.md"]);
    expect(selectSkills(skills, "$a", [{ name: "b", path: "/s/b/SKILL.md" }, { name: "off", path: "/s/off/SKILL.md" }]).map((s) => s.path)).toEqual(["/s/b/SKILL.md", "/s/a/SKILL.md"]);
  });
});

describe("review output", () => {
  const finding = (title: string, start: number) => ({
    title,
    body: "Why.\nMore.",
    confidence_score: 0.5,
    priority: 2,
    code_location: { absolute_file_path: "/r/f.ts", line_range: { start, end: start + 1 } },
  });

  it("renders findings under the explanation", () => {
    const out = parseReviewOutput(JSON.stringify({ findings: [finding("[P2] One", 3), finding("[P3] Two", 9)], overall_correctness: "patch is incorrect", overall_explanation: "Two issues.", overall_confidence_score: 0.6 }));
    expect(renderReview(out)).toBe("Two issues.\n\nFull review comments:\n\n- [P2] One — /r/f.ts:3-4\n  Why.\n  More.\n\n- [P3] Two — /r/f.ts:9-10\n  Why.\n  More.");
  });

  it("finds the object inside fences or prose, and shows anything else as is", () => {
    const fenced = "```json\n" + JSON.stringify({ findings: [], overall_correctness: "patch is correct", overall_explanation: "Fine.", overall_confidence_score: 0.9 }) + "\n```";
    expect(renderReview(parseReviewOutput(fenced))).toBe("Fine.");
    expect(renderReview(parseReviewOutput("  No issues found.  "))).toBe("No issues found.");
    expect(renderReview(parseReviewOutput(""))).toBe("Reviewer failed to output a response.");
  });
});
