// skills/list, skills/config/write and the small list methods over the real bin: user and repo
// skills with their front matter, a broken SKILL.md listed as an error while the rest load, a skill
// turned off through config.toml, and 0.169's shapes for every answer.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const tempDir = useTempDirs(afterEach, "codex-skills-");

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const skill = (name: string, description: string, extra = "") => `---\nname: ${name}\ndescription: ${description}\n${extra}---\n\nSteps for ${name}.\n`;

function conforms(schema: string, value: unknown): void {
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${schema}.json`), value)).toEqual([]);
}

describe("skills/list", () => {
  it("lists repo skills up to the repository root, then user skills, with broken files as errors", async () => {
    const home = tempDir();
    const repo = tempDir();
    mkdirSync(join(repo, ".git"));
    mkdirSync(join(repo, "pkg/app"), { recursive: true });
    write(join(home, "skills/good/SKILL.md"), skill("good-skill", "Does good things"));
    write(join(home, "skills/broken/SKILL.md"), "no front matter here\n");
    write(join(home, "skills/nameless/SKILL.md"), "---\ndescription: lacks a name\n---\n");
    write(join(home, "skills/.system/hidden/SKILL.md"), skill("system-one", "not shipped here"));
    write(join(repo, ".codex/skills/root-skill/SKILL.md"), skill("root-skill", "At the repo root", "metadata:\n  short-description: short one\n"));
    write(join(repo, "pkg/.codex/skills/pkg-skill/SKILL.md"), skill("pkg-skill", '"Quoted: with a colon"'));
    const s = start({ codexHome: home });
    await s.initialize();
    const res = await s.request("skills/list", { cwds: [join(repo, "pkg/app")] });
    expect(res.error).toBeUndefined();
    conforms("SkillsListResponse", res.result);
    const [entry] = (res.result as { data: { cwd: string; skills: Record<string, unknown>[]; errors: unknown[] }[] }).data;
    expect(entry!.cwd).toBe(join(repo, "pkg/app"));
    expect(entry!.skills).toEqual([
      { name: "pkg-skill", description: "Quoted: with a colon", shortDescription: null, path: join(repo, "pkg/.codex/skills/pkg-skill/SKILL.md"), scope: "repo", enabled: true, pluginId: null, interface: null, dependencies: null },
      { name: "root-skill", description: "At the repo root", shortDescription: "short one", path: join(repo, ".codex/skills/root-skill/SKILL.md"), scope: "repo", enabled: true, pluginId: null, interface: null, dependencies: null },
      { name: "good-skill", description: "Does good things", shortDescription: null, path: join(home, "skills/good/SKILL.md"), scope: "user", enabled: true, pluginId: null, interface: null, dependencies: null },
    ]);
    expect(entry!.errors).toEqual([
      { path: join(home, "skills/broken/SKILL.md"), message: "missing YAML frontmatter delimited by ---" },
      { path: join(home, "skills/nameless/SKILL.md"), message: "missing field `name`" },
    ]);
    const relative = await s.request("skills/list", { cwds: ["rel/dir"] });
    expect(relative.error).toMatchObject({ code: -32602 });
  });

  it("skills/config/write turns a skill off in config.toml and the list says so", async () => {
    const home = tempDir();
    const cwd = tempDir();
    write(join(home, "skills/good/SKILL.md"), skill("good-skill", "Does good things"));
    const s = start({ codexHome: home });
    await s.initialize();
    const off = await s.request("skills/config/write", { name: "good-skill", enabled: false });
    expect(off.result).toEqual({ effectiveEnabled: false });
    conforms("SkillsConfigWriteResponse", off.result);
    expect(readFileSync(join(home, "config.toml"), "utf8")).toMatch(/good-skill/);
    const listed = await s.request("skills/list", { cwds: [cwd] });
    expect((listed.result as { data: { skills: { enabled: boolean }[] }[] }).data[0]!.skills[0]!.enabled).toBe(false);
    // Writing again replaces the entry instead of adding a second one.
    await s.request("skills/config/write", { name: "good-skill", enabled: true });
    const again = await s.request("skills/list", { cwds: [cwd] });
    expect((again.result as { data: { skills: { enabled: boolean }[] }[] }).data[0]!.skills[0]!.enabled).toBe(true);
    expect(readFileSync(join(home, "config.toml"), "utf8").match(/good-skill/g)).toHaveLength(1);
    const neither = await s.request("skills/config/write", { enabled: true });
    expect(neither.error).toMatchObject({ code: -32602 });
  });
});

describe("small list methods", () => {
  it("experimentalFeature/list, collaborationMode/list and app/list answer in 0.169's shapes", async () => {
    const s = start();
    await s.initialize();
    const features = await s.request("experimentalFeature/list", { limit: 5 });
    expect(features.result).toEqual({ data: [], nextCursor: null });
    conforms("ExperimentalFeatureListResponse", features.result);
    const modes = await s.request("collaborationMode/list", {});
    expect(modes.result).toEqual({ data: [{ name: "Default", mode: "default", model: null, reasoning_effort: null }] });
    conforms("CollaborationModeListResponse", modes.result);
    const apps = await s.request("app/list", {});
    expect(apps.result).toEqual({ data: [], nextCursor: null });
    conforms("AppsListResponse", apps.result);
  });
});

describe("skills in a turn", () => {
  it("a $name mention or a skill input injects the SKILL.md after the prompt; a disabled skill is not", async () => {
    const home = tempDir();
    const cwd = tempDir();
    const good = skill("good-skill", "Does good things");
    write(join(home, "skills/good/SKILL.md"), good);
    write(join(home, "skills/other/SKILL.md"), skill("other-skill", "Another"));
    write(join(home, "skills/off/SKILL.md"), skill("off-skill", "Turned off"));
    model.enqueue(textTurn("one"), textTurn("two"), textTurn("three"));
    const toml = fakeProviderToml(model, '\n[[skills.config]]\nname = "off-skill"\nenabled = false\n');
    const s = await startInitialized(start, toml, { codexHome: home });
    const thread = await s.request("thread/start", { cwd });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    const turn = async (input: unknown[], n: number) => {
      await s.request("turn/start", { threadId, input });
      await s.waitFor(() => s.notifications("turn/completed")[n - 1], 15_000, `turn ${n}`);
      return (model.requests[n - 1]!.body.input as any[]).filter((i) => i.type === "message" && i.role === "user").map((i) => i.content[0].text as string);
    };
    const first = await turn([{ type: "text", text: "please use $good-skill and $off-skill now" }], 1);
    expect(first.slice(-2)).toEqual([
      "please use $good-skill and $off-skill now",
      `<skill>\n<name>good-skill</name>\n<path>${join(home, "skills/good/SKILL.md")}</path>\n${good}\n</skill>`,
    ]);
    const second = await turn([{ type: "text", text: "and this one" }, { type: "skill", name: "other-skill", path: join(home, "skills/other/SKILL.md") }], 2);
    expect(second.at(-1)).toMatch(/^<skill>\n<name>other-skill<\/name>/);
    expect(second.at(-2)).toBe("and this one");
    // Not carried over: a turn naming no skill adds none.
    const third = await turn([{ type: "text", text: "plain $unknown-skill" }], 3);
    expect(third.at(-1)).toBe("plain $unknown-skill");
  });
});
