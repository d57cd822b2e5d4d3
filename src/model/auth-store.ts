// Writing and removing $CODEX_HOME/auth.json, as the reference's `codex login --with-api-key` and
// logout do: 2-space JSON, mode 0600, replaced atomically so a reader never sees half a file.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { registerSecret } from "../logging/redact.js";
import { authJsonPath } from "./auth.js";

export async function saveApiKey(codexHome: string, apiKey: string): Promise<void> {
  registerSecret(apiKey);
  const file = authJsonPath(codexHome);
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await mkdir(codexHome, { recursive: true });
  const text = JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: apiKey }, null, 2);
  try {
    // Created 0600 (not chmod-ed after): the key is never readable by others, even briefly.
    await writeFile(temp, text, { mode: 0o600, flag: "wx" });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Whether there was a stored login to remove. */
export async function removeStoredAuth(codexHome: string): Promise<boolean> {
  const file = authJsonPath(codexHome);
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
