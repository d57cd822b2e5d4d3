// Skills named in a turn's input, injected as the reference does: each becomes a user message after
// the prompt holding the whole SKILL.md, `<skill><name>…</name><path>…</path>…</skill>`. A skill is
// named by a structured `skill` input (matched by path) or by `$name` in the text; a `$name` counts
// only when exactly one enabled skill has that name. Disabled skills are never injected; a file that
// cannot be read is skipped.
import * as fsp from "node:fs/promises";
import type { ResponseItem } from "../model/types.js";
import type { SkillMetadata } from "../protocol/v2/skills.js";
import { discoverSkills, type SkillToggle } from "./discovery.js";

export interface SkillSelection {
  name: string;
  path: string;
}

/** `$name` tokens of a text: letters, digits, `-`, `_` and `:` after a `$`. */
export function mentionedNames(text: string): string[] {
  return [...text.matchAll(/\$([A-Za-z0-9_:-]+)/g)].map((m) => m[1]!);
}

export function selectSkills(skills: readonly SkillMetadata[], text: string, selections: readonly SkillSelection[]): SkillMetadata[] {
  const enabled = skills.filter((s) => s.enabled);
  const chosen: SkillMetadata[] = [];
  const add = (s: SkillMetadata | undefined) => {
    if (s && !chosen.some((c) => c.path === s.path)) chosen.push(s);
  };
  for (const sel of selections) add(enabled.find((s) => s.path === sel.path));
  for (const name of mentionedNames(text)) {
    const named = enabled.filter((s) => s.name === name);
    if (named.length === 1) add(named[0]);
  }
  return chosen;
}

export function skillItem(skill: SkillMetadata, contents: string): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `<skill>\n<name>${skill.name}</name>\n<path>${skill.path}</path>\n${contents}\n</skill>` }],
  };
}

/** The messages to add after a turn's prompt; none when it names no skill. */
export async function skillInjections(
  codexHome: string,
  cwd: string,
  toggles: readonly SkillToggle[],
  text: string,
  selections: readonly SkillSelection[],
): Promise<ResponseItem[]> {
  // Most prompts name no skill: no disk access for them.
  if (selections.length === 0 && !text.includes("$")) return [];
  const { skills } = await discoverSkills(codexHome, cwd, toggles);
  const items: ResponseItem[] = [];
  for (const skill of selectSkills(skills, text, selections)) {
    const contents = await fsp.readFile(skill.path, "utf8").catch(() => undefined);
    if (contents !== undefined) items.push(skillItem(skill, contents));
  }
  return items;
}
