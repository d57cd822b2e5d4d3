// skills/list and skills/config/write. Skills are read from disk on every list (a few small files),
// so a skill added or edited shows up at once and forceReload needs no cache to bypass.
import { isAbsolute, resolve } from "node:path";
import type { ConfigSource } from "../config/load.js";
import type { ConfigWriter } from "../config/writer.js";
import type * as p from "../protocol/v2/skills.js";
import { ConfigWriteError } from "../config/write-error.js";
import { ErrorCode, RpcError, rpcErrors } from "../rpc/errors.js";
import { discoverSkills, skillToggles, type SkillToggle } from "../skills/discovery.js";

export interface SkillsDeps {
  source: ConfigSource;
  writer(): Promise<ConfigWriter>;
  /** The cwd a list without `cwds` is for: the server's own. */
  cwd: string;
}

export async function skillsList(deps: SkillsDeps, params: p.SkillsListParams): Promise<p.SkillsListResponse> {
  const cwds = params.cwds && params.cwds.length > 0 ? params.cwds : [deps.cwd];
  const toggles = skillToggles(deps.source.fileTable);
  const data: p.SkillsListEntry[] = [];
  for (const [i, cwd] of cwds.entries()) {
    if (!isAbsolute(cwd)) throw rpcErrors.invalidParams(`cwds[${i}]`, `must be an absolute path, got ${JSON.stringify(cwd)}`);
    data.push({ cwd, ...(await discoverSkills(deps.source.home, cwd, toggles)) });
  }
  return { data };
}

/** Turns one skill on or off in config.toml (`[[skills.config]]`), by name or by path. */
export async function skillsConfigWrite(deps: SkillsDeps, params: p.SkillsConfigWriteParams): Promise<p.SkillsConfigWriteResponse> {
  const name = params.name ?? undefined;
  const path = params.path ?? undefined;
  if ((name === undefined) === (path === undefined)) throw rpcErrors.invalidParams("name", "give exactly one of name and path");
  if (path !== undefined && !isAbsolute(path)) throw rpcErrors.invalidParams("path", `must be an absolute path, got ${JSON.stringify(path)}`);
  const same = (t: SkillToggle) => (path !== undefined ? t.path !== undefined && resolve(t.path) === resolve(path) : t.path === undefined && t.name === name);
  const current = skillToggles(deps.source.fileTable);
  const entry: SkillToggle = { ...(name !== undefined ? { name } : { path: resolve(path!) }), enabled: params.enabled };
  const next = current.some(same) ? current.map((t) => (same(t) ? entry : t)) : [...current, entry];
  try {
    await (await deps.writer()).write([{ keyPath: "skills.config", value: next }]);
  } catch (e) {
    if (e instanceof ConfigWriteError) throw new RpcError(ErrorCode.InvalidRequest, e.message, { config_write_error_code: e.code });
    throw e;
  }
  return { effectiveEnabled: params.enabled };
}
