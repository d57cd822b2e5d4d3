import os from "node:os";
import path from "node:path";

/** `$CODEX_HOME`, else `~/.codex`. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CODEX_HOME;
  return fromEnv ? path.resolve(fromEnv) : path.join(os.homedir(), ".codex");
}

export function configFilePath(home: string): string {
  return path.join(home, "config.toml");
}
