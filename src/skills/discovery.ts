// Finds the skills a session can use: repo skills in `.codex/skills` of the cwd and of each folder
// above it up to the repository root (the folder holding `.git`), then user skills in
// `$CODEX_HOME/skills`. A skill is a folder with a SKILL.md whose front matter names it and says
// what it does. A broken file is listed among the errors and the rest still load. The reference's
// bundled "system" skills ($CODEX_HOME/skills/.system) are not shipped here, so hidden folders are
// skipped. A SKILL.md that another user could have written or replaced (the file or a folder above
// it owned by someone else, or writable by group or others) is listed as an error, not loaded.
import { existsSync } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import type { SkillErrorInfo, SkillMetadata, SkillScope } from "../protocol/v2/skills.js";
import { untrustedReason, userTrust } from "../sandbox/trusted-path.js";
import { FrontMatterError, parseFrontMatter } from "./front-matter.js";

export interface SkillOutcome {
  skills: SkillMetadata[];
  errors: SkillErrorInfo[];
}

/** `[[skills.config]]` entries of config.toml: a skill turned off (or on) by name or path. */
export interface SkillToggle {
  name?: string;
  path?: string;
  enabled: boolean;
}

const SKILL_FILE = "SKILL.md";
const MAX_DEPTH = 4;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;

export function skillRoots(codexHome: string, cwd: string): { dir: string; scope: SkillScope }[] {
  const roots: { dir: string; scope: SkillScope }[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    roots.push({ dir: path.join(dir, ".codex", "skills"), scope: "repo" });
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
  }
  // Outside any repository only the cwd's own folder counts.
  if (!existsSync(path.join(roots.at(-1)!.dir, "..", "..", ".git"))) roots.splice(1);
  roots.push({ dir: path.join(codexHome, "skills"), scope: "user" });
  return roots;
}

export async function discoverSkills(codexHome: string, cwd: string, toggles: readonly SkillToggle[]): Promise<SkillOutcome> {
  const out: SkillOutcome = { skills: [], errors: [] };
  const seen = new Set<string>();
  for (const root of skillRoots(codexHome, cwd)) {
    const found: SkillMetadata[] = [];
    for (const file of await skillFiles(root.dir, 0)) {
      if (seen.has(file)) continue;
      seen.add(file);
      const untrusted = await untrustedReason(file, userTrust(false));
      if (untrusted !== null) {
        out.errors.push({ path: file, message: `not loaded: ${untrusted}` });
        continue;
      }
      try {
        found.push(readSkill(file, root.scope, await fsp.readFile(file, "utf8"), toggles));
      } catch (error) {
        out.errors.push({ path: file, message: error instanceof FrontMatterError ? error.message : `cannot read ${SKILL_FILE}: ${(error as NodeJS.ErrnoException).code ?? "error"}` });
      }
    }
    found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.skills.push(...found);
  }
  return out;
}

async function skillFiles(dir: string, depth: number): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const full = path.join(dir, e.name);
    if (e.isFile() && e.name === SKILL_FILE && depth > 0) files.push(full);
    else if (e.isDirectory() && depth < MAX_DEPTH) files.push(...(await skillFiles(full, depth + 1)));
  }
  return files.sort();
}

export function readSkill(file: string, scope: SkillScope, text: string, toggles: readonly SkillToggle[]): SkillMetadata {
  const fm = parseFrontMatter(text);
  const name = field(fm, "name", MAX_NAME);
  const description = field(fm, "description", MAX_DESCRIPTION);
  const meta = fm.metadata;
  const short = typeof meta === "object" && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>)["short-description"] : undefined;
  if (short !== undefined && short !== null && typeof short !== "string") throw new FrontMatterError("invalid metadata.short-description: expected a string");
  // The last matching entry wins, as a later line of config.toml would.
  let enabled = true;
  for (const t of toggles) if ((t.path !== undefined && path.resolve(t.path) === file) || (t.path === undefined && t.name === name)) enabled = t.enabled;
  return { name, description, shortDescription: short ?? null, path: file, scope, enabled, pluginId: null, interface: null, dependencies: null };
}

function field(fm: Record<string, unknown>, key: string, max: number): string {
  const value = fm[key];
  if (value !== undefined && value !== null && typeof value !== "string") throw new FrontMatterError(`invalid ${key}: expected a string`);
  if (typeof value !== "string" || value.trim() === "") throw new FrontMatterError(`missing field \`${key}\``);
  if (value.length > max) throw new FrontMatterError(`invalid ${key}: exceeds maximum length of ${max} characters`);
  return value.trim();
}

/** The `[[skills.config]]` entries of a config table; malformed ones are ignored. */
export function skillToggles(table: Record<string, unknown>): SkillToggle[] {
  const skills = table.skills;
  const entries = typeof skills === "object" && skills !== null ? (skills as Record<string, unknown>).config : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e): SkillToggle[] => {
    if (typeof e !== "object" || e === null || typeof (e as SkillToggle).enabled !== "boolean") return [];
    const { name, path: p, enabled } = e as SkillToggle;
    return [{ enabled, ...(typeof name === "string" ? { name } : {}), ...(typeof p === "string" ? { path: p } : {}) }];
  });
}
